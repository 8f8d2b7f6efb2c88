"""LiveRun with a real engine: pacing, autosave, session release and recovery after the engine dies."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from core.engine.client import EngineClient
from core.regression.config import RegressionConfig
from core.store.run_store import RunStore
from ui.live.run_state import LiveRun
from ui.live.session import _release_all


@pytest.fixture(scope="module")
def client() -> EngineClient:
    engine = EngineClient()
    yield engine
    engine.shutdown()


@pytest.fixture(autouse=True)
def scratch_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "runs.sqlite3"
    monkeypatch.setenv("TAPESTREAM_DB", str(path))
    return path


def test_speed_paces_steps_per_tick(client: EngineClient) -> None:
    run = LiveRun(client, speed=100.0)
    run.tick()
    run.play()
    run.last_tick = time.perf_counter() - 0.1
    view = run.tick()
    assert 8 <= view["made"] <= 12 and run.playing


def test_session_release_saves_and_closes_the_handle(client: EngineClient, scratch_store: Path) -> None:
    run = LiveRun(client, config=RegressionConfig(n_samples=50, epochs=1), name="mine")
    run.tick()
    run.step_once()
    run.tick()
    open_before = client.stats()["handles"]
    _release_all([run])
    assert run.handle is None and client.stats()["handles"] == open_before - 1
    (saved,) = RunStore(scratch_store).list_runs()
    assert saved["name"] == "mine" and saved["status"] == "paused" and saved["steps"] == 1


def test_pause_and_finish_autosave_the_same_run(client: EngineClient, scratch_store: Path) -> None:
    run = LiveRun(client, config=RegressionConfig(n_samples=50, epochs=1))
    run.tick()
    run.play(to_end=True)
    run.tick()
    assert run.view["status"] == "done" and not run.playing
    run.change(epochs=2)
    run.play(to_end=True)
    run.tick()
    runs = RunStore(scratch_store).list_runs()
    assert len(runs) == 1 and runs[0]["steps"] == 100 and runs[0]["status"] == "done"


def test_a_dead_engine_is_survived_by_rebuilding_the_run() -> None:
    engine = EngineClient()
    try:
        run = LiveRun(engine)
        run.tick()
        run.step_epoch()
        before = run.tick()
        os.kill(engine.engine_pids()[0], signal.SIGKILL)
        time.sleep(0.5)
        after = run.tick()
        assert after["steps_done"] == before["steps_done"] == 1000
        assert after["w"] == pytest.approx(before["w"], abs=1e-6)
        assert any("engine restarted" in notice for notice in run.notices)
    finally:
        engine.shutdown()


def test_changes_before_the_first_step_restart_the_run_instead_of_recording_events(client: EngineClient) -> None:
    run = LiveRun(client)
    run.tick()
    assert run.change(learning_rate=0.1, n_samples=50) == []
    view = run.tick()
    assert view["events"] == [] and view["config"]["learning_rate"] == 0.1 and view["config"]["n_samples"] == 50
    run.step_once()
    assert [event["field"] for event in run.change(learning_rate=0.2)] == ["learning_rate"]
