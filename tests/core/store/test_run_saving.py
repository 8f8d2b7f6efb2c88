"""Tests for core.store.run_saving: a real Trainer's run (real TensorFlow, no mocks) saved and read back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.regression.config import RegressionConfig
from core.regression.trainer import Trainer
from core.store.run_saving import save_trainer
from core.store.run_store import RunNotFound, RunStore


@pytest.fixture
def store(tmp_path: Path):
    with RunStore(tmp_path / "runs.sqlite3") as opened:
        yield opened


def assert_trace_saved(store: RunStore, run_id: int, trainer: Trainer) -> None:
    points, trace = store.points(run_id), trainer.trace
    assert list(points.columns) == list(trace.columns)
    for name in trace.columns:
        np.testing.assert_array_equal(points[name].to_numpy(), trace[name].to_numpy().astype(points[name].dtype))


def test_finished_run_round_trips(store: RunStore) -> None:
    config = RegressionConfig(n_samples=50, epochs=1)
    trainer = Trainer(config, backend="compiled")
    trainer.run()
    run_id = save_trainer(trainer, name="tutorial", store=store)
    run = store.get_run(run_id)
    assert (run["name"], run["status"], run["message"], run["events"]) == ("tutorial", "done", "", [])
    assert run["config"] == config.to_dict()
    assert RegressionConfig.from_dict(run["config"]) == config
    assert run["steps"] == trainer.steps_done == 50
    assert run["final_w"] == pytest.approx(trainer.w) and run["final_b"] == pytest.approx(trainer.b)
    assert run["final_loss"] == pytest.approx(float(trainer.trace["loss"].iloc[-1]))
    assert_trace_saved(store, run_id, trainer)


def test_live_run_is_autosaved_in_place_with_its_events(store: RunStore) -> None:
    trainer = Trainer(RegressionConfig(n_samples=50, epochs=1), backend="compiled")
    trainer.step(20)
    run_id = save_trainer(trainer, store=store)
    assert store.get_run(run_id)["name"] == f"sgd lr=0.01 #{run_id}"
    assert store.get_run(run_id)["status"] == "running"
    trainer.update(learning_rate=0.02)
    trainer.step(10)
    assert save_trainer(trainer, run_id=run_id, status="paused", store=store) == run_id
    run = store.get_run(run_id)
    assert (run["status"], run["steps"]) == ("paused", 30)
    assert run["events"] == [{"step": 20, "field": "learning_rate", "old": 0.01, "new": 0.02}]
    assert run["config"]["learning_rate"] == 0.02
    trainer.run()
    save_trainer(trainer, run_id=run_id, store=store)
    assert store.get_run(run_id)["status"] == "done"
    assert len(store.list_runs()) == 1
    assert_trace_saved(store, run_id, trainer)
    with pytest.raises(RunNotFound):
        save_trainer(trainer, run_id=run_id + 1, store=store)


def test_diverged_run_keeps_its_message(store: RunStore) -> None:
    trainer = Trainer(RegressionConfig(n_samples=50, epochs=1, learning_rate=10.0, w_init=100.0), backend="compiled")
    trainer.run()
    assert trainer.status == "diverged"
    run = store.get_run(save_trainer(trainer, store=store))
    assert run["status"] == "diverged" and run["message"] == trainer.message and "Diverged" in run["message"]
    assert np.isfinite([run["final_w"], run["final_b"], run["final_loss"]]).all()


def test_default_store_comes_from_tapestream_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env.sqlite3"
    monkeypatch.setenv("TAPESTREAM_DB", str(path))
    trainer = Trainer(RegressionConfig(n_samples=50, epochs=1), backend="eager")
    trainer.step(5)
    run_id = save_trainer(trainer, name="from env")
    with RunStore(path) as store:
        assert store.get_run(run_id)["name"] == "from env"
        assert_trace_saved(store, run_id, trainer)
