"""A saved sweep's results for charts: one row a run, cell means over two fields, and mean ± std over seeds."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from core.regression.value_text import value_text
from core.sweep.saving import label, varied_fields

METRICS: tuple[str, ...] = ("final loss", "steps to converge")
BAND_POINTS = 300


def sweep_frame(runs: list[dict], converged: Mapping[int, int | None]) -> tuple[pd.DataFrame, list[str]]:
    """One row a run (id, name, status, each varied field, final loss, steps to converge) and the varied fields."""
    fields = varied_fields([run["config"] for run in runs], [])
    rows = [
        {
            "id": run["id"],
            "name": run["name"],
            "status": run["status"],
            **{field: run["config"].get(field) for field in fields},
            "final loss": run["final_loss"] if run["status"] != "diverged" else None,
            "steps to converge": converged.get(run["id"]),
        }
        for run in runs
    ]
    frame = pd.DataFrame(rows, columns=["id", "name", "status", *fields, *METRICS])
    return frame.astype({metric: "float64" for metric in METRICS}), fields


def cell_means(frame: pd.DataFrame, x_field: str, y_field: str | None, metric: str) -> pd.DataFrame:
    """The metric's mean in each (y, x) cell over every other field (NaN where no run has a value)."""
    table = frame.assign(
        _x=frame[x_field].map(value_text), _y=frame[y_field].map(value_text) if y_field else "all runs"
    )
    means = table.groupby(["_y", "_x"], sort=False)[metric].mean().unstack("_x")
    x_order = _sorted_texts(frame[x_field])
    y_order = _sorted_texts(frame[y_field]) if y_field else ["all runs"]
    return means.reindex(index=y_order, columns=x_order).rename_axis(index=y_field or "", columns=x_field)


def _sorted_texts(values: pd.Series) -> list[str]:
    unique = list(dict.fromkeys(values))
    try:
        unique.sort()
    except TypeError:
        pass
    return [value_text(value) for value in unique]


def seed_groups(runs: list[dict]) -> list[tuple[str, list[dict]]]:
    """Runs that differ only by seed, grouped (groups of two or more), each with a label of its other fields."""
    groups: dict[str, list[dict]] = {}
    for run in runs:
        key = repr(sorted((field, value) for field, value in run["config"].items() if field != "seed"))
        groups.setdefault(key, []).append(run)
    kept = [members for members in groups.values() if len(members) > 1]
    fields = [field for field in varied_fields([m[0]["config"] for m in kept], []) if field != "seed"]
    return [(label(members[0]["config"], fields) or "all seeds", members) for members in kept]


def seed_band(points: list[pd.DataFrame], quantity: str, n_points: int = BAND_POINTS) -> dict[str, Any]:
    """Mean and standard deviation of quantity over runs on a common step grid (a run adds nothing past its end)."""
    last = max(int(frame["step"].iloc[-1]) for frame in points if len(frame))
    steps = np.unique(np.linspace(0, last, n_points).round()).astype(np.int64)
    stacked = np.full((len(points), len(steps)), np.nan)
    for row, frame in enumerate(points):
        if len(frame):
            inside = steps <= frame["step"].iloc[-1]
            stacked[row, inside] = np.interp(steps[inside], frame["step"], frame[quantity].astype(np.float64))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a step where every run is NaN stays NaN
        return {"step": steps, "mean": np.nanmean(stacked, axis=0), "std": np.nanstd(stacked, axis=0)}
