"""Inspect a step of a stored run: train it again from its config and changes (kept for the next step asked)."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.regression.config import ConfigError, RegressionConfig
from core.store.run_store import RunStore

_rebuilt: dict[str, Any] = {}  # the last run rebuilt in this engine: key, trainer, stored w and b


def _datasets(store: RunStore, config: RegressionConfig, events: list[dict[str, Any]]) -> dict[str, Any]:
    """The uploaded data sets the run trained on, as the store keeps them (none for generated data)."""
    from core.regression.step_rebuild import data_hashes

    found = {}
    for data_hash in data_hashes(config, events):
        dataset = store.dataset(data_hash)
        if dataset is None:
            raise ConfigError("data_hash", data_hash, "the run store no longer holds this run's data set")
        found[data_hash] = dataset
    return found


def _key(db_path: str | None, run_id: int, created_at: Any, steps: Any) -> str:
    return f"{db_path}/{run_id}/{created_at}/{steps}"


def rebuilt_run(run_id: int, db_path: str | None = None, seen: Any = None) -> tuple[Any, np.ndarray, np.ndarray]:
    """The stored run trained again (kept for the next call) and its stored w and b. seen, the run's (created_at,
    steps) as the caller read them from the store, spares a move the store's read when that run is the one kept."""
    from core.regression.step_rebuild import rebuild

    if seen is not None and _rebuilt.get("key") == _key(db_path, run_id, *seen):
        return _rebuilt["trainer"], _rebuilt["w"], _rebuilt["b"]
    with RunStore(db_path) as store:
        run = store.get_run(run_id)
        key = _key(db_path, run_id, run["created_at"], run["steps"])
        if _rebuilt.get("key") != key:
            points = store.points(run_id)
            config = RegressionConfig.from_dict(run["config"])
            datasets = _datasets(store, config, run["events"])
            _rebuilt.clear()
            _rebuilt.update(key=key, trainer=rebuild(config, run["events"], int(run["steps"]), datasets=datasets))
            _rebuilt.update(w=points["w"].to_numpy(np.float32), b=points["b"].to_numpy(np.float32))
    return _rebuilt["trainer"], _rebuilt["w"], _rebuilt["b"]


def chart_samples(trainer: Any) -> dict[str, Any]:
    """What the data chart draws for the run, as the Live page gets it: an even subsample of its data (the data in
    use at its last step) and the line its target marks aim at (the true line, else the least-squares fit)."""
    from core.regression import live_view

    samples = live_view.samples(trainer)
    config = live_view.chart_config(trainer)
    return {
        "x": samples["x"],
        "y": samples["y"],
        "w_target": float(config["w_target"]),
        "b_target": float(config["b_target"]),
        "data_source": trainer.config.data_source,
    }


def inspect_stored(
    run_id: int, step: int, db_path: str | None = None, with_samples: bool = False, seen: Any = None
) -> dict[str, Any]:
    """Step `step` of stored run run_id, replayed exactly; "matches_store" says whether w, b before and after equal
    the stored points bit for bit (a run trained on the eager backend may differ in the last bits). With
    with_samples, "samples" holds the data chart's samples and target line (chart_samples); seen: rebuilt_run."""
    from core.regression.step_replay import inspect_step

    trainer, w, b = rebuilt_run(run_id, db_path, seen)
    record = inspect_step(trainer, step)
    stored = (w[step - 1], b[step - 1], w[step], b[step]) if step < len(w) else None
    ours = tuple(np.float32(record[name]) for name in ("w_before", "b_before", "w_after", "b_after"))
    record["matches_store"] = stored is not None and all(a == s for a, s in zip(ours, stored))
    if with_samples:
        record["samples"] = chart_samples(trainer)
    return record
