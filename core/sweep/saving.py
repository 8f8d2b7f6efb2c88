"""Train a sweep and save every run in the run store under one sweep id (the CLI's --save and the engine's task)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from core.regression.config import RegressionConfig
from core.regression.data import make_data, mean_loss
from core.regression.fields import DATA_FIELDS, FIELD_NAMES, flag_name
from core.regression.value_text import value_text

if TYPE_CHECKING:
    from core.store.run_store import RunStore


def new_sweep_id() -> str:
    """A fresh id such as "sweep-20250101-120000-a1b2c3" (UTC time, then random hex)."""
    return f"sweep-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def varied_fields(configs: Sequence[RegressionConfig | Mapping], order: list[str]) -> list[str]:
    """Fields whose value differs between configs: those in order first (the grid's axes), then the rest."""
    values = [_as_dict(config) for config in configs]
    fields = [*order, *(field for field in FIELD_NAMES if field not in order)]
    return [field for field in fields if len({repr(config.get(field)) for config in values}) > 1]


def label(config: RegressionConfig | Mapping, fields: list[str]) -> str:
    """e.g. "lr=0.01 optimizer=adam seed=2" for the varied fields."""
    values = _as_dict(config)
    return " ".join(f"{flag_name(field)}={value_text(values.get(field))}" for field in fields)


def _as_dict(config: RegressionConfig | Mapping) -> Mapping:
    return config.to_dict() if isinstance(config, RegressionConfig) else config


def save_sweep(
    store: RunStore, runs: Sequence[Any], fields: list[str], name: str | None = None
) -> tuple[str, list[int]]:
    """Save core.sweep.grid.SweepRun results under one new sweep id, in ONE transaction: all of them or none.

    Returns the sweep id and the run ids; StoreError if the store refuses any run (then nothing is saved).
    """
    sweep_id = new_sweep_id()
    saved = []
    for run, mean in zip(runs, final_mean_losses(runs)):
        trace = run.trace
        saved.append(
            {
                "config": run.config.to_dict(),
                "status": run.status,
                **{column: trace[column].to_numpy() for column in ("step", "epoch", "w", "b", "loss")},
                "name": f"{name or 'sweep'} {label(run.config, fields)}".strip(),
                "sweep_id": sweep_id,
                "message": run.message,
                "final_loss": mean,
            }
        )
    return sweep_id, store.save_runs(saved)


def final_mean_losses(runs: Sequence[Any]) -> list[float]:
    """Each run's mean loss over its data at its final (w, b); runs that share a data set share one copy of it."""
    data: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
    losses = []
    for run in runs:
        key = tuple(getattr(run.config, field) for field in sorted(DATA_FIELDS))
        if key not in data:
            data[key] = make_data(run.config)
        x, y = data[key]
        w, b = float(run.trace["w"].iloc[-1]), float(run.trace["b"].iloc[-1])
        losses.append(mean_loss(x, y, w, b, run.config.loss))
    return losses


def run_and_save_sweep(
    base: Mapping[str, Any], values: Mapping[str, list], name: str | None = None, db_path: str | None = None
) -> dict[str, Any]:
    """Train every combination of values over base and save the runs in the store at db_path.

    Returns {"sweep_id", "run_ids", "seconds"} (seconds of training). Bad configs raise ConfigError and a bad
    store raises StoreError, both before any training starts.
    """
    from core.store.run_store import RunStore
    from core.sweep.grid import check_sweep, grid
    from core.sweep.runner import run_sweep

    configs = grid(RegressionConfig.from_dict(base), **dict(values))
    check_sweep(configs)
    with RunStore(db_path) as store:
        started = time.perf_counter()
        runs = run_sweep(configs)
        seconds = time.perf_counter() - started
        sweep_id, run_ids = save_sweep(store, runs, varied_fields(configs, list(values)), name)
    return {"sweep_id": sweep_id, "run_ids": run_ids, "seconds": seconds}
