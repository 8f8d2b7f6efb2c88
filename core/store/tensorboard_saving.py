"""Write runs from the run store as TensorBoard logs (the engine's "tensorboard" task): full traces, one dir a run."""

from __future__ import annotations

import os
from typing import Any

from core.store.log_root import confined_logdir
from core.store.run_store import RunStore, StoreError


def export_stored_runs(
    run_ids: list[int],
    logdir: str | os.PathLike,
    db_path: str | None = None,
    root: str | os.PathLike | None = None,
) -> list[str]:
    """Export the stored runs run_ids (full resolution) under logdir; returns the run directories written.

    logdir must lie inside root (default: $TAPESTREAM_LOGDIR or ./tensorboard): a sub-folder name or an
    absolute path inside it. Raises StoreError for a bad id list or a run that is not in the store, and
    ValueError when logdir is outside the root or cannot be written; nothing is written unless every run
    could be read.
    """
    if isinstance(run_ids, (str, bytes)) or not isinstance(run_ids, (list, tuple)) or not run_ids:
        raise StoreError(f"run_ids must be a non-empty list of run ids, got {run_ids!r}")
    folder = confined_logdir(logdir, root)
    from core.store.tensorboard_events import export_runs

    with RunStore(db_path) as store:
        runs = [_exported(store, run_id) for run_id in dict.fromkeys(run_ids)]
    return export_runs(runs, folder)


def _exported(store: RunStore, run_id: Any) -> dict[str, Any]:
    run = store.get_run(run_id)
    return {"id": run["id"], "name": run["name"], "config": run["config"], "points": store.points(run["id"])}
