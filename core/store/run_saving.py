"""Save a Trainer's run (config, status, events and trace) in the run store; never imports TensorFlow itself.

A live run is saved many times (pause, end, Reset, session close). Its later saves append only the new points;
a run whose stored row was deleted meanwhile is saved again as a new run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from core.regression.data import mean_loss
from core.store.points import POINT_COLUMNS
from core.store.run_store import RunStore
from core.store.store_errors import RunNotFound, StoreError


def save_trainer(
    trainer: Any,
    name: str | None = None,
    run_id: int | None = None,
    status: str | None = None,
    store: RunStore | None = None,
    run_key: str | None = None,
    sweep_id: str | None = None,
) -> int:
    """Save a core.regression.trainer.Trainer's run; returns the run id.

    With run_id, the stored run gets the new points and fields (a new id when that row is gone); run_key ties every
    save of one live run to one row. status defaults to the trainer's own, with "running" stored as "paused"; store
    defaults to a RunStore on default_db_path(), closed afterwards. sweep_id groups it (a race's lanes share one).
    """
    owned = store is None
    store = RunStore() if owned else store
    fields = _fields(trainer, name, status)
    try:
        for dataset in datasets_used(trainer):  # before the run, so a stored run always finds its data
            store.save_dataset(dataset)
        if run_id is not None:
            try:
                return _append(store, trainer, run_id, fields)
            except RunNotFound:
                run_id = None  # deleted meanwhile: save it again as a new run
        return store.save_run(**fields, **_columns(trainer, 0), run_id=run_id, run_key=run_key, sweep_id=sweep_id)
    finally:
        if owned:
            store.close()


def save_new_trainers(
    trainers: Sequence[Any],
    names: Sequence[str | None],
    statuses: Sequence[str | None],
    run_keys: Sequence[str | None],
    sweep_id: str,
    store: RunStore,
) -> list[int]:
    """Several trainers' first saves as new runs grouped under sweep_id (a race's lanes) in ONE transaction: all or
    none (a status of None is the trainer's own). Later saves of each go through save_trainer (appends)."""
    for trainer in trainers:
        for dataset in datasets_used(trainer):
            store.save_dataset(dataset)
    runs = [
        {**_fields(trainer, name, status), **_columns(trainer, 0), "run_key": run_key, "sweep_id": sweep_id}
        for trainer, name, status, run_key in zip(trainers, names, statuses, run_keys, strict=True)
    ]
    return store.save_runs(runs)


def run_record(trainer: Any, name: str | None, status: str | None) -> dict[str, Any]:
    """A trainer's whole run as save_run's keyword arguments (fields and every point), e.g. for a recovery file."""
    return {**_fields(trainer, name, status), **_columns(trainer, 0)}


def _fields(trainer: Any, name: str | None, status: str | None) -> dict[str, Any]:
    """A run's fields as the store keeps them, from its trainer."""
    return {
        "config": trainer.config.to_dict(),
        "status": _stored_status(status if status is not None else trainer.status),
        "events": [event_dict(event) for event in trainer.events],
        "name": name,
        "message": trainer.message,
        "final_loss": final_mean_loss(trainer),
        "converged_step": trainer.converged_step,
    }


def datasets_used(trainer: Any) -> list[Any]:
    """The users' data sets a run trained on: its current one and any it had before a mid-run change."""
    hashes = {trainer.config.data_hash, trainer.initial_config.data_hash}
    hashes |= {value for event in trainer.events if event.field == "data_hash" for value in (event.old, event.new)}
    found = (trainer.dataset_by_hash(data_hash) for data_hash in sorted(hashes) if data_hash)
    return [dataset for dataset in found if dataset is not None]


def _stored_status(status: str) -> str:
    """A run saved mid-way is "paused": the store never holds a run as "running" once its save is done."""
    return "paused" if status == "running" else status


def _append(store: RunStore, trainer: Any, run_id: int, fields: dict[str, Any]) -> int:
    """Append the points after the stored last one, or replace the run if its stored trace is not this trace's."""
    last = store.last_point(run_id)
    steps = trainer.trace_column("step")
    start = 0 if last is None else int(np.searchsorted(steps, last["step"]))
    if last is not None and start < len(steps) and _same_point(trainer, start, last):
        try:
            return store.append_run(run_id, **fields, **_columns(trainer, start + 1))
        except RunNotFound:
            raise
        except StoreError:
            pass  # another writer moved it on meanwhile: replace it whole below
    return store.save_run(**fields, **_columns(trainer, 0), run_id=run_id)


def _same_point(trainer: Any, index: int, stored: dict[str, float]) -> bool:
    """Whether the trace's row at index is the stored point (NULL in the store stands for NaN)."""
    for name in ("step", "w", "b"):
        mine, theirs = float(trainer.trace_column(name)[index]), stored[name]
        if not (mine == theirs or (theirs is None and np.isnan(mine))):
            return False
    return True


def _columns(trainer: Any, start: int) -> dict[str, np.ndarray]:
    return {name: trainer.trace_column(name)[start:] for name in POINT_COLUMNS}


def final_mean_loss(trainer: Any) -> float:
    """The mean loss over all the run's data at its last traced (w, b): what the Live page's Loss metric shows."""
    x, y = trainer.arrays
    w, b = (float(trainer.trace_column(name)[-1]) for name in ("w", "b"))
    return mean_loss(x, y, w, b, trainer.config.loss)


def event_dict(event: Any) -> dict[str, Any]:
    """An Event(step, field, old, new) as a plain JSON-friendly dict."""
    return {"step": int(event.step), "field": str(event.field), "old": _plain(event.old), "new": _plain(event.new)}


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
