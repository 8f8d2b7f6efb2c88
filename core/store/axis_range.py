"""A y-axis range for Compare's charts that ignores outliers, such as a diverged run's ±300k swings."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

CORE_PERCENTILES = (1.0, 99.0)
FENCE = 1.0  # values further than this many core spans outside the core are outliers
PADDING = 0.05


def robust_range(
    series: Iterable[np.ndarray],
    anchors: Iterable[float] = (),
    log: bool = False,
    reference: Iterable[np.ndarray] | None = None,
) -> list[float] | None:
    """[low, high] holding the plotted values that are not outliers and every anchor; None if there is none.

    The core is the 1st to 99th percentile of the reference values (default: every plotted value; Compare
    passes the runs that did not diverge), widened to take in the anchors (the runs' starts and targets).
    Plotted values more than one core span beyond it are outliers; the range is the extent of the rest,
    padded by 5%. With log, values and the range are log10 (plotly's log axes take their range so).
    None also when no value is an outlier: the chart's own autorange then shows everything.
    """
    series = list(series)
    values = _pooled(series, log)
    core = _pooled(series if reference is None else list(reference), log)
    marks = _finite(np.asarray(list(anchors), dtype=np.float64), log)
    if len(values) == 0:
        return None
    low, high = np.percentile(core if len(core) else values, CORE_PERCENTILES)
    low, high = min(low, *marks, low), max(high, *marks, high)
    span = max(high - low, 1e-9 * max(abs(low), abs(high), 1.0))
    kept = values[(values >= low - FENCE * span) & (values <= high + FENCE * span)]
    if len(kept) == len(values):
        return None
    low, high = min(kept.min(), low), max(kept.max(), high)
    pad = PADDING * max(high - low, span)
    return [float(low - pad), float(high + pad)]


def _pooled(series: list[np.ndarray], log: bool) -> np.ndarray:
    return _finite(np.concatenate([np.asarray(values, dtype=np.float64).ravel() for values in series] or [[]]), log)


def _finite(values: np.ndarray, log: bool) -> np.ndarray:
    if log:
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.log10(np.where(values > 0, values, np.nan))
    return values[np.isfinite(values)]
