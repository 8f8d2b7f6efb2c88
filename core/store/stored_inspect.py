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


MAX_DATA_VERSIONS = 8  # data versions a stored run's data chart can show (the latest ones when it has more)


def _chart_data(config: RegressionConfig, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """An even subsample of one data version and the line its target marks aim at (the true line, else the
    least-squares fit), as the Live page's data chart draws them."""
    from core.regression.data import least_squares
    from core.regression.live_view import MAX_SAMPLE_POINTS, has_true_line

    every = max(1, -(-len(x) // MAX_SAMPLE_POINTS))
    w_target, b_target = (config.w_target, config.b_target) if has_true_line(config) else least_squares(x, y)
    return {"x": x[::every], "y": y[::every], "w_target": float(w_target), "b_target": float(b_target)}


def data_versions(trainer: Any) -> list[dict[str, Any]]:
    """The data the run trained on, version by version: each from the first step it was used at (a change at step
    s takes effect from step s + 1), with its chart subsample and target line; the last MAX_DATA_VERSIONS."""
    from core.regression.data import make_data
    from core.regression.trainer import data_settings

    config, versions, drawn = trainer.initial_config, [], None
    changes = [(0, {})] + [(event.step, {event.field: event.new}) for event in trainer.events]
    for step, change in changes:
        config = config.replace(**change) if change else config
        if data_settings(config) == drawn:
            continue
        drawn = data_settings(config)
        if drawn == data_settings(trainer.config):  # the data the trainer holds: not drawn a second time
            x, y = trainer.arrays
        else:
            datasets = {config.data_hash: trainer.dataset_by_hash(config.data_hash)} if config.data_hash else {}
            x, y = make_data(config, datasets)
        version = {"from_step": step + 1 if change else 0, **_chart_data(config, x, y)}
        if versions and versions[-1]["from_step"] == version["from_step"]:
            versions[-1] = version  # several changes at one step: the data they leave
        else:
            versions.append(version)
    return versions[-MAX_DATA_VERSIONS:]


def chart_samples(trainer: Any) -> dict[str, Any]:
    """What the data chart draws for the run: its data versions (data_versions); x, y and the target line at the
    top level are the last one's, the data in use at its last step."""
    versions = data_versions(trainer)
    last = versions[-1]
    return {
        **{name: last[name] for name in ("x", "y", "w_target", "b_target")},
        "versions": versions,
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
