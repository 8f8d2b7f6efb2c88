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

pytestmark = pytest.mark.usefixtures("scratch_store")  # tests/ui/live/conftest.py


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


def break_store(path: Path) -> None:
    """Make the run store unusable, as a corrupted or foreign file would."""
    path.write_bytes(b"this is not a database" * 100)


def test_a_failed_save_is_never_reported_as_saved_and_is_retried(client: EngineClient, scratch_store: Path) -> None:
    break_store(scratch_store)
    run = LiveRun(client, config=RegressionConfig(n_samples=50, epochs=1))
    run.tick()
    run.step_once()
    run.tick()
    assert run.pause() is False and run.run_id is None
    assert "not saved" in run.save_error and "not a Tapestream run database" in run.save_error
    scratch_store.unlink()
    assert run.autosave() is True and run.save_error == "" and run.run_id is not None
    assert RunStore(scratch_store).get_run(run.run_id)["steps"] == 1


def test_reset_keeps_a_run_whose_save_failed_until_the_user_decides(client: EngineClient, scratch_store: Path) -> None:
    run = LiveRun(client, config=RegressionConfig(n_samples=50, epochs=1))
    run.tick()
    run.step_epoch()
    run.tick()
    handle = run.handle
    break_store(scratch_store)
    assert run.reset(RegressionConfig(n_samples=50, epochs=1, learning_rate=0.1)) is False
    assert run.handle == handle and run.tick()["steps_done"] == 50 and run.pending_reset.learning_rate == 0.1
    run.keep_run()
    assert run.pending_reset is None and run.handle == handle
    assert run.reset() is False
    run.discard_and_reset()
    assert run.handle != handle and run.tick()["steps_done"] == 0 and run.save_error == ""


def test_a_run_whose_row_was_deleted_is_saved_as_a_new_run(client: EngineClient, scratch_store: Path) -> None:
    run = LiveRun(client, config=RegressionConfig(n_samples=50, epochs=1))
    run.tick()
    run.step_once()
    run.tick()
    assert run.pause()
    first = run.run_id
    RunStore(scratch_store).delete(first)
    run.step_once()
    run.tick()
    assert run.pause() and run.run_id != first
    assert any(f"#{first} had been deleted" in notice and f"#{run.run_id}" in notice for notice in run.notices)
    assert RunStore(scratch_store).get_run(run.run_id)["steps"] == 2


def test_reset_while_playing_saves_one_run_with_its_true_status(client: EngineClient, scratch_store: Path) -> None:
    run = LiveRun(client, config=RegressionConfig(n_samples=500, epochs=1), name="typed for this run")
    run.tick()
    run.play()
    run.last_tick = time.perf_counter() - 0.2
    run.tick()
    assert run.playing and run.view["steps_done"] > 0
    assert run.reset()
    run.autosave()  # a repeated save (a callback run twice) writes nothing new
    (saved,) = RunStore(scratch_store).list_runs()
    assert saved["status"] == "paused" and saved["name"] == "typed for this run"
    assert run.name == "" and not run.playing  # a typed name belongs to one run
    assert not RunStore(scratch_store).list_runs(status="running")


def test_saving_twice_without_a_change_writes_once(client: EngineClient, scratch_store: Path) -> None:
    run = LiveRun(client, config=RegressionConfig(n_samples=50, epochs=1))
    run.tick()
    run.step_once()
    run.tick()
    assert run.pause()
    stamp = RunStore(scratch_store).get_run(run.run_id)["updated_at"]
    assert run.autosave() and run.pause()
    assert RunStore(scratch_store).get_run(run.run_id)["updated_at"] == stamp


def test_a_closed_session_whose_run_cannot_be_saved_leaves_a_recovery_file(
    client: EngineClient, scratch_store: Path
) -> None:
    from core.store.recovery import import_recovered, recovered_files

    run = LiveRun(client, config=RegressionConfig(n_samples=50, epochs=1), name="precious")
    run.tick()
    run.step_epoch()
    view = run.tick()
    break_store(scratch_store)
    _release_all([run])
    assert run.handle is None
    (kept,) = recovered_files(scratch_store)
    assert kept.parent == scratch_store.with_name("runs.sqlite3.recovery")
    scratch_store.unlink()
    with RunStore(scratch_store) as store:
        run_id = import_recovered(store, kept)
        saved = store.get_run(run_id)
        assert (saved["name"], saved["status"], saved["steps"]) == ("precious", "done", 50)
        assert saved["final_w"] == pytest.approx(view["w"]) and len(store.points(run_id)) == 51
    assert recovered_files(scratch_store) == []


def test_a_session_that_comes_back_after_release_starts_a_new_run(client: EngineClient, scratch_store: Path) -> None:
    from ui.live import closed_runs

    run = LiveRun(client, config=RegressionConfig(n_samples=50, epochs=2), browser="browser-1")
    run.tick()
    run.step_epoch()
    run.tick()
    _release_all([run])
    told = closed_runs.take("browser-1")
    assert told is not None and told.steps == 50
    run.tick()
    run.step_once()
    run.tick()
    assert run.pause()
    first, second = sorted(RunStore(scratch_store).list_runs(), key=lambda saved: saved["id"])
    assert (first["steps"], second["steps"]) == (50, 1)  # the first run was not overwritten
