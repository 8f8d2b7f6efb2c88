"""Save a Trainer's run (config, status, events and full trace) in the run store; never imports TensorFlow itself."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.store.run_store import RunStore


def save_trainer(
    trainer: Any,
    name: str | None = None,
    run_id: int | None = None,
    status: str | None = None,
    store: RunStore | None = None,
) -> int:
    """Save (or, with run_id, replace) a core.regression.trainer.Trainer's run; returns the run id.

    status defaults to the trainer's own; store defaults to a RunStore on default_db_path(), closed afterwards.
    """
    trace = trainer.trace
    owned = store is None
    store = RunStore() if owned else store
    try:
        return store.save_run(
            config=trainer.config.to_dict(),
            status=status if status is not None else trainer.status,
            step=trace["step"].to_numpy(),
            epoch=trace["epoch"].to_numpy(),
            w=trace["w"].to_numpy(),
            b=trace["b"].to_numpy(),
            loss=trace["loss"].to_numpy(),
            events=[event_dict(event) for event in trainer.events],
            name=name,
            message=trainer.message,
            run_id=run_id,
        )
    finally:
        if owned:
            store.close()


def event_dict(event: Any) -> dict[str, Any]:
    """An Event(step, field, old, new) as a plain JSON-friendly dict."""
    return {"step": int(event.step), "field": str(event.field), "old": _plain(event.old), "new": _plain(event.new)}


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
