"""Bounded chart payloads: min-max downsampling that keeps the first and last rows and every bucket's extremes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MAX_POINTS = 2000


def minmax_indices(values: np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """Sorted row indices (at most max_points) keeping the first, the last, and each bucket's min and max.

    Works on views without copying, so 10M rows take a few milliseconds. NaN never counts as an extreme.
    """
    count = len(values)
    if count > max_points and np.issubdtype(np.asarray(values).dtype, np.floating) and np.isnan(values).any():
        finite = values[~np.isnan(values)]
        return minmax_indices(np.where(np.isnan(values), finite.mean() if len(finite) else 0.0, values), max_points)
    if count <= max_points:
        return np.arange(count)
    if max_points < 4:
        return np.unique(np.linspace(0, count - 1, max(max_points, 1)).round().astype(np.int64))
    buckets = (max_points - 2) // 2
    body = values[1 : count - 1]
    width = len(body) // buckets
    blocks = body[: width * buckets].reshape(buckets, width)
    offsets = 1 + width * np.arange(buckets)
    lows = offsets + blocks.argmin(axis=1)
    highs = offsets + blocks.argmax(axis=1)
    tail = body[width * buckets :]
    if len(tail):  # fold the leftover rows into the last bucket
        start = 1 + width * buckets
        lows[-1] = _pick(values, lows[-1], start + int(tail.argmin()), np.less)
        highs[-1] = _pick(values, highs[-1], start + int(tail.argmax()), np.greater)
    return np.unique(np.concatenate([[0, count - 1], lows, highs]))


def joint_indices(series: Sequence[np.ndarray], max_points: int = MAX_POINTS) -> np.ndarray:
    """Row indices (at most max_points) keeping every series' extremes, for aligned series like (w, b, loss)."""
    if not len(series):
        return np.zeros(0, dtype=np.int64)
    lengths = {len(values) for values in series}
    if len(lengths) != 1:
        raise ValueError("every series must have the same length")
    share = (max_points - 2) // len(series) + 2  # first and last rows are shared by every series
    return np.unique(np.concatenate([minmax_indices(values, share) for values in series]))


def _pick(values: np.ndarray, current: int, candidate: int, better: np.ufunc) -> int:
    return candidate if better(values[candidate], values[current]) else current
