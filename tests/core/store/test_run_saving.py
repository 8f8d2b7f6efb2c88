"""Tests for core.store.run_saving: a real Trainer's run (real TensorFlow, no mocks) saved, read back; both stores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.regression.config import RegressionConfig
from core.regression.trainer import Trainer
from core.store.run_saving import save_trainer
from core.store.run_store import RunNotFound, RunStore
from tests.core.store.conftest import RawDatabase


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
    x, y = trainer.arrays
    mean = float(np.mean((y.astype(np.float64) - (trainer.w * x.astype(np.float64) + trainer.b)) ** 2))
    assert run["final_loss"] == pytest.approx(mean, rel=1e-9)  # the mean over all the data
    assert run["final_step_loss"] == pytest.approx(float(trainer.trace["loss"].iloc[-1]))  # the last step's own
    assert_trace_saved(store, run_id, trainer)


def test_live_run_is_autosaved_in_place_with_its_events(store: RunStore) -> None:
    trainer = Trainer(RegressionConfig(n_samples=50, epochs=1), backend="compiled")
    trainer.step(20)
    run_id = save_trainer(trainer, store=store)
    assert store.get_run(run_id)["name"] == f"sgd lr=0.01 #{run_id}"
    assert store.get_run(run_id)["status"] == "paused"  # saved mid-run: never left "running"
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
    assert not store.list_runs(status="running")


def test_a_run_whose_row_was_deleted_is_saved_as_a_new_run(store: RunStore) -> None:
    trainer = Trainer(RegressionConfig(n_samples=50, epochs=1), backend="compiled")
    trainer.step(20)
    run_id = save_trainer(trainer, status="paused", store=store)
    store.delete(run_id)
    trainer.step(5)
    new_id = save_trainer(trainer, run_id=run_id, status="paused", store=store)
    assert new_id != run_id and store.get_run(new_id)["steps"] == 25
    assert_trace_saved(store, new_id, trainer)
    with pytest.raises(RunNotFound):
        store.get_run(run_id)


def test_later_saves_append_only_the_new_points(store: RunStore, raw: RawDatabase) -> None:
    trainer = Trainer(RegressionConfig(n_samples=50, epochs=2), backend="compiled")
    trainer.step(30)
    run_id = save_trainer(trainer, status="paused", store=store)
    raw.execute("UPDATE points SET loss = -1 WHERE run_id = ? AND step = 3", (run_id,))  # a rewrite would undo it
    trainer.step(40)
    assert save_trainer(trainer, run_id=run_id, status="paused", store=store) == run_id
    points = store.points(run_id)
    assert len(points) == 71 and points["loss"][3] == -1.0
    np.testing.assert_array_equal(points["w"][4:].to_numpy(), trainer.trace["w"][4:].to_numpy().astype(np.float64))


def test_a_stored_trace_that_is_not_this_one_is_replaced_whole(store: RunStore, raw: RawDatabase) -> None:
    trainer = Trainer(RegressionConfig(n_samples=50, epochs=2), backend="compiled")
    trainer.step(30)
    run_id = save_trainer(trainer, status="paused", store=store)
    raw.execute("UPDATE points SET w = 99 WHERE run_id = ? AND step = 30", (run_id,))
    trainer.step(10)
    save_trainer(trainer, run_id=run_id, status="paused", store=store)
    assert_trace_saved(store, run_id, trainer)


def test_one_run_key_is_one_row_however_often_it_is_saved(store: RunStore) -> None:
    trainer = Trainer(RegressionConfig(n_samples=50, epochs=1), backend="compiled")
    trainer.step(10)
    first = save_trainer(trainer, status="paused", store=store, run_key="session-1/run-1")
    second = save_trainer(trainer, status="paused", store=store, run_key="session-1/run-1")  # its id was lost
    assert first == second and len(store.list_runs()) == 1


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
