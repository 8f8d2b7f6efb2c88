"""A stored run trained again from its final config and its changes gives the same trace, bit for bit, on its own
data (generated again, or the uploaded data set as the store keeps it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from core.regression.config import ConfigError, RegressionConfig
from core.regression.dataset import Dataset
from core.regression.step_rebuild import initial_config, rebuild
from core.regression.trainer import Trainer
from core.store.run_saving import event_dict, save_trainer
from core.store.run_store import RunStore
from core.store.store_errors import RunNotFound
from core.store.stored_inspect import inspect_stored


def test_the_rebuilt_run_is_the_run() -> None:
    trainer = Trainer(RegressionConfig(n_samples=100, epochs=5), backend="compiled")
    trainer.step(50)
    trainer.update(learning_rate=0.1)
    trainer.step(3)
    trainer.update(w_init=8.0, optimizer="adam", batch_size=4)
    trainer.step(100)
    events = [event_dict(event) for event in trainer.events]
    assert initial_config(trainer.config, events) == RegressionConfig(n_samples=100, epochs=5)
    again = rebuild(trainer.config, events, trainer.steps_done)
    assert again.steps_done == trainer.steps_done
    for name in ("w", "b", "loss"):
        np.testing.assert_array_equal(again.trace_column(name), trainer.trace_column(name))


def saved(trainer: Trainer, db: Path) -> int:
    with RunStore(db) as store:
        return save_trainer(trainer, store=store)


@pytest.mark.parametrize("source", [{"data_source": "outliers", "outlier_fraction": 0.1}, {"data_source": "curved"}])
def test_a_stored_run_on_generated_data_is_inspected_on_its_own_data(tmp_path: Path, source: dict) -> None:
    trainer = Trainer(RegressionConfig(n_samples=80, epochs=1, **source), backend="compiled")
    trainer.run()
    run_id = saved(trainer, tmp_path / "runs.sqlite3")
    record = inspect_stored(run_id, 40, str(tmp_path / "runs.sqlite3"), with_samples=True)
    assert record["matches_store"] and record["w_after"] == float(trainer.trace_column("w")[40])
    x, y = trainer.arrays
    np.testing.assert_array_equal(record["samples"]["x"], x)  # 80 samples: the chart gets them all
    np.testing.assert_array_equal(record["samples"]["y"], y)
    assert record["samples"]["data_source"] == source["data_source"]
    if source["data_source"] == "curved":  # no true line: the target is the least-squares fit
        assert (record["samples"]["w_target"], record["samples"]["b_target"]) == pytest.approx(trainer.least_squares)
    else:
        assert (record["samples"]["w_target"], record["samples"]["b_target"]) == (5.0, 3.0)
    assert "samples" not in inspect_stored(run_id, 41, str(tmp_path / "runs.sqlite3"))


def test_a_stored_run_on_uploaded_data_is_inspected_on_the_data_as_stored(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    data = Dataset.of(rng.normal(size=1500), rng.normal(size=1500) * 2 + 1)
    config = RegressionConfig(data_source="csv", data_hash=data.hash, n_samples=len(data), epochs=1, batch_size=4)
    trainer = Trainer(config, backend="compiled", datasets={data.hash: data})
    trainer.run()
    db = tmp_path / "runs.sqlite3"
    run_id = saved(trainer, db)
    record = inspect_stored(run_id, 200, str(db), with_samples=True)
    assert record["matches_store"] and record["b_after"] == float(trainer.trace_column("b")[200])
    np.testing.assert_array_equal(record["samples"]["x"], data.x[::3])  # 1,500 rows: every 3rd of at most 600
    np.testing.assert_array_equal(record["samples"]["y"], data.y[::3])


def test_a_stored_run_whose_data_set_is_gone_says_so(tmp_path: Path) -> None:
    data = Dataset.of([0.0, 1.0, 2.0, 3.0], [1.0, 3.0, 5.0, 7.0])
    config = RegressionConfig(data_source="csv", data_hash=data.hash, n_samples=4, epochs=1)
    trainer = Trainer(config, backend="compiled", datasets={data.hash: data})
    trainer.run()
    db = tmp_path / "runs.sqlite3"
    run_id = saved(trainer, db)
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM datasets")
    with pytest.raises(ConfigError, match="no longer holds this run's data set"):
        inspect_stored(run_id, 2, str(db))


def test_a_move_that_names_the_run_kept_does_not_read_the_store(tmp_path: Path) -> None:
    trainer = Trainer(RegressionConfig(n_samples=30, epochs=1), backend="compiled")
    trainer.run()
    db = tmp_path / "runs.sqlite3"
    run_id = saved(trainer, db)
    with RunStore(db) as store:
        run = store.get_run(run_id)
    seen = [run["created_at"], run["steps"]]
    assert inspect_stored(run_id, 5, str(db), seen=seen)["matches_store"]
    db.unlink()  # the store is gone: only a read of it could fail now
    assert inspect_stored(run_id, 6, str(db), seen=seen)["w_after"] == float(trainer.trace_column("w")[6])
    with pytest.raises(RunNotFound):  # another run's key: the store is read (a new, empty one)
        inspect_stored(run_id, 6, str(db), seen=[run["created_at"], 29])
