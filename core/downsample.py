"""Min-max downsampling: pick at most N rows of a long trace so that every spike and dip stays visible."""

# NOTE for the lead: the run-store helper overwrote this file by mistake and rebuilt it from how
# core/live_view.py uses it (MAX_POINTS, minmax_indices, joint_indices). Check it against the original.

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MAX_POINTS = 2000


def minmax_indices(values: np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """Sorted indices, at most max_points, keeping each bucket's min and max and the first and last index."""
    return joint_indices([values], max_points)


def joint_indices(series: Sequence[np.ndarray], max_points: int = MAX_POINTS) -> np.ndarray:
    """Sorted row indices, at most max_points, keeping each bucket's min and max of every series.

    The rows are cut into equal buckets; in each bucket the rows holding the smallest and largest value of
    each series are kept (NaN never wins), and so are the first and the last row, so every series' global
    extremes survive. With max_points >= the row count every row is kept; with a budget too small for one
    bucket (fewer than 2 per series + 2) the rows are simply spaced evenly.
    """
    n_rows = len(series[0]) if len(series) else 0
    if any(len(values) != n_rows for values in series):
        raise ValueError("every series must have the same length")
    if max_points < 1:
        raise ValueError(f"max_points must be at least 1, got {max_points}")
    if n_rows <= max_points:
        return np.arange(n_rows)
    if max_points < 2 * len(series) + 2:
        return np.unique(np.linspace(0, n_rows - 1, max_points).round().astype(np.int64))
    buckets = (max_points - 2) // (2 * len(series))
    size = -(-n_rows // buckets)
    used = -(-n_rows // size)
    picked = [np.array([0, n_rows - 1])]
    offsets = np.arange(used) * size
    for values in series:
        values = np.asarray(values, dtype=np.float64)
        picked.append(offsets + _bucket_arg(values, used * size, size, np.inf, np.argmin))
        picked.append(offsets + _bucket_arg(values, used * size, size, -np.inf, np.argmax))
    return np.minimum(np.unique(np.concatenate(picked)), n_rows - 1)


def _bucket_arg(values: np.ndarray, padded: int, size: int, fill: float, arg) -> np.ndarray:
    """arg (argmin/argmax) within each bucket, with NaN and padding replaced by fill so they never win."""
    filled = np.full(padded, fill)
    filled[: len(values)] = np.where(np.isnan(values), fill, values)
    return arg(filled.reshape(-1, size), axis=1)
