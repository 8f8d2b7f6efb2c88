"""Inspect a step of a stored run: train it again from its config and changes (kept for the next step asked)."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.regression.config import RegressionConfig
from core.store.run_store import RunStore

_rebuilt: dict[str, Any] = {}  # the last run rebuilt in this engine: key, trainer, stored w and b


def inspect_stored(run_id: int, step: int, db_path: str | None = None) -> dict[str, Any]:
    """Step `step` of stored run run_id, replayed exactly; "matches_store" says whether w, b before and after equal
    the stored points bit for bit (a run trained on the eager backend may differ in the last bits)."""
    from core.regression.step_rebuild import rebuild
    from core.regression.step_replay import inspect_step

    with RunStore(db_path) as store:
        run = store.get_run(run_id)
        key = f"{db_path}/{run_id}/{run['created_at']}/{run['steps']}"
        if _rebuilt.get("key") != key:
            points = store.points(run_id)
            config = RegressionConfig.from_dict(run["config"])
            _rebuilt.clear()
            _rebuilt.update(key=key, trainer=rebuild(config, run["events"], int(run["steps"])))
            _rebuilt.update(w=points["w"].to_numpy(np.float32), b=points["b"].to_numpy(np.float32))
    trainer, w, b = _rebuilt["trainer"], _rebuilt["w"], _rebuilt["b"]
    record = inspect_step(trainer, step)
    stored = (w[step - 1], b[step - 1], w[step], b[step]) if step < len(w) else None
    ours = tuple(np.float32(record[name]) for name in ("w_before", "b_before", "w_after", "b_after"))
    record["matches_store"] = stored is not None and all(a == s for a, s in zip(ours, stored))
    return record
