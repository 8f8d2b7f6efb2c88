"""core.sweep.saving: a sweep trained and saved under one sweep id, through the engine's task as the page calls it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.engine.process import Engine
from core.regression.config import ConfigError, RegressionConfig
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
