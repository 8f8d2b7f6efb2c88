"""core.sweep.saving: a sweep trained and saved under one sweep id, through the engine's task as the page calls it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from core.engine.process import Engine
from core.regression.config import ConfigError, RegressionConfig
from core.regression.data import make_data
from core.store.run_store import RunStore, StoreError
from core.sweep.saving import label, run_and_save_sweep, varied_fields

BASE = RegressionConfig(n_samples=30, epochs=1).to_dict()


def test_every_run_is_saved_under_one_sweep_id(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite3"
    result = run_and_save_sweep(BASE, {"learning_rate": [0.05, 0.1], "seeds": [0, 1]}, "lab", str(db))
    assert set(result) == {"sweep_id", "run_ids", "seconds"} and result["seconds"] > 0
    assert result["sweep_id"].startswith("sweep-") and len(result["run_ids"]) == 4
    with RunStore(db) as store:
        saved = store.list_runs(sweep_id=result["sweep_id"])
        assert sorted(run["id"] for run in saved) == sorted(result["run_ids"])
        first = store.get_run(result["run_ids"][0])
        assert first["name"] == "lab lr=0.05 seed=0" and first["status"] == "done" and first["steps"] == 30
        assert first["config"] == {**BASE, "learning_rate": 0.05, "seed": 0}
        assert [store.get_run(i)["config"]["seed"] for i in result["run_ids"]] == [0, 1, 0, 1]
        assert len(store.points(result["run_ids"][-1])) == 31


def test_the_engine_task_saves_into_the_given_store(tmp_path: Path) -> None:
    db = tmp_path / "elsewhere.sqlite3"
    payload = {"base": BASE, "values": {"optimizer": ["sgd", "adam"]}, "name": None, "db_path": str(db)}
    result = Engine().task("sweep", payload)
    with RunStore(db) as store:
        names = [store.get_run(run_id)["name"] for run_id in result["run_ids"]]
    assert names == ["sweep optimizer=sgd", "sweep optimizer=adam"]


def test_bad_values_raise_config_error_before_anything_is_written(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite3"
    with pytest.raises(ConfigError, match="learning_rate=0.0 is not allowed"):
        run_and_save_sweep(BASE, {"learning_rate": [0.0, 0.1]}, None, str(db))
    with pytest.raises(ConfigError, match="unknown field"):
        run_and_save_sweep(BASE, {"speed": [1, 2]}, None, str(db))
    assert not db.exists()


def test_an_unusable_store_raises_store_error(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-db.sqlite3"
    bad.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(StoreError, match="not a Tapestream run database"):
        run_and_save_sweep(BASE, {"seed": [0, 1]}, None, str(bad))


def test_labels_and_varied_fields_take_configs_or_dicts() -> None:
    configs = [RegressionConfig(learning_rate=0.1, shuffle=True), RegressionConfig(learning_rate=0.01)]
    assert varied_fields(configs, []) == ["learning_rate", "shuffle"]
    assert varied_fields([config.to_dict() for config in configs], ["shuffle"]) == ["shuffle", "learning_rate"]
    assert label(configs[0], ["learning_rate", "shuffle"]) == "lr=0.1 shuffle=true"
    assert label(configs[1].to_dict(), ["learning_rate"]) == "lr=0.01"


def test_a_sweep_failing_midway_saves_none_of_its_runs(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite3"
    with RunStore(db) as store:
        store.save_run(config={}, status="done", step=[0], epoch=[0], w=[0.0], b=[0.0], loss=[1.0], name="earlier")
    with sqlite3.connect(db) as raw:  # the store fails on the sweep's third run, as a full disk would
        raw.execute(
            "CREATE TRIGGER third_run_fails AFTER INSERT ON runs WHEN (SELECT count(*) FROM runs) >= 4 "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    with pytest.raises(StoreError, match="full"):
        run_and_save_sweep(BASE, {"learning_rate": [0.05, 0.1], "seeds": [0, 1]}, "lab", str(db))
    with RunStore(db) as store:
        assert [run["name"] for run in store.list_runs()] == ["earlier"]
        assert store.points(store.list_runs()[0]["id"])["loss"].tolist() == [1.0]


def test_each_sweep_run_stores_its_mean_loss_over_the_data_and_its_last_step_loss(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite3"
    result = run_and_save_sweep({**BASE, "noise_std": 2.0}, {"learning_rate": [0.05, 0.1]}, None, str(db))
    with RunStore(db) as store:
        for run_id in result["run_ids"]:
            run = store.get_run(run_id)
            config = RegressionConfig.from_dict(run["config"])
            x, y = make_data(config)
            residual = y.astype(np.float64) - (run["final_w"] * x.astype(np.float64) + run["final_b"])
            assert run["final_loss"] == pytest.approx(float(np.mean(residual**2)), rel=1e-6)
            assert run["final_step_loss"] == pytest.approx(store.points(run_id)["loss"].iloc[-1])
            assert run["final_loss"] != pytest.approx(run["final_step_loss"])
