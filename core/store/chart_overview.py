"""A run's chart overview: its points min-max downsampled to CHART_POINTS rows and its steps to converge, as bytes.

The run store writes one per run when the run is saved (run_overviews), so the Compare page draws 1,000 runs from
1,000 small blobs instead of 2,000,000 point rows. The blob is the chart frame's five columns one after the other,
little-endian: int64 step, int64 epoch, float64 w, b and loss (NaN kept).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.regression.downsample import joint_indices
from core.store.compare import converged_at
from core.store.points import POINT_COLUMNS

CHART_POINTS = 2000  # rows a run's chart series keeps: the first, the last and every bucket's extremes of w, b, loss
PACKED_TYPES: dict[str, str] = {"step": "<i8", "epoch": "<i8", "w": "<f8", "b": "<f8", "loss": "<f8"}
ROW_BYTES = 8 * len(POINT_COLUMNS)


@dataclass(frozen=True, eq=False)
class ChartOverview:
    """What the Compare page needs of one stored run: its chart frame, steps to converge (None: never) and how many
    points the run holds."""

    frame: pd.DataFrame
    converged_step: int | None
    n_points: int

    def chart_bytes(self) -> bytes:
        """The chart frame packed as the run_overviews.chart column holds it."""
        return b"".join(self.frame[name].to_numpy().astype(PACKED_TYPES[name]).tobytes() for name in POINT_COLUMNS)


def chart_rows(w: np.ndarray, b: np.ndarray, loss: np.ndarray) -> np.ndarray | None:
    """The rows a run's chart keeps (at most CHART_POINTS: the first, the last and every extreme of w, b and loss),
    or None when it keeps them all."""
    if len(w) <= CHART_POINTS:
        return None
    return joint_indices([w, b, loss], CHART_POINTS)


def overview_of(points: pd.DataFrame, config: Mapping[str, Any], stored_converged: int | None) -> ChartOverview:
    """The overview of a run from its FULL points (step, epoch, w, b, loss), config and the converged_step saved
    with it."""
    return overview_of_columns({name: points[name].to_numpy() for name in POINT_COLUMNS}, config, stored_converged)


def overview_of_columns(
    columns: Mapping[str, np.ndarray], config: Mapping[str, Any], stored_converged: int | None
) -> ChartOverview:
    """overview_of for point columns as the store saves them (no frame of every point is built for the chart)."""
    keep = chart_rows(columns["w"], columns["b"], columns["loss"])
    chart = pd.DataFrame({name: columns[name] if keep is None else columns[name][keep] for name in POINT_COLUMNS})
    points = pd.DataFrame({name: columns[name] for name in POINT_COLUMNS}, copy=False)
    converged = converged_at(points, config, stored_converged)
    return ChartOverview(chart, None if converged is None else int(converged), len(points))


def unpacked(chart: bytes | memoryview, converged_step: int | None, n_points: int) -> ChartOverview:
    """An overview from a run_overviews row's chart, converged_step and n_points; ValueError for a blob of the wrong
    size."""
    data = bytes(chart)
    rows, extra = divmod(len(data), ROW_BYTES)
    if extra:
        raise ValueError(f"a chart overview of {len(data)} bytes is not a whole number of {ROW_BYTES}-byte rows")
    columns = {}
    for at, name in enumerate(POINT_COLUMNS):
        packed = np.frombuffer(data, PACKED_TYPES[name], count=rows, offset=8 * rows * at)
        columns[name] = packed.astype(packed.dtype.newbyteorder("="))
    frame = pd.DataFrame(columns)
    return ChartOverview(frame, None if converged_step is None else int(converged_step), int(n_points))
