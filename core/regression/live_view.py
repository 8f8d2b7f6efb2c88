"""What a live page needs from a trainer each tick: downsampled series, metrics, events, samples and surface."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.regression.data import mean_loss
from core.regression.downsample import MAX_POINTS, joint_indices, minmax_indices
from core.regression.landscape import Surface, bounds, mean_loss_surface
from core.regression.smoothing import EmaCache

MAX_SAMPLE_POINTS = 600
MAX_BATCH_POINTS = 256
MAX_METRIC_SAMPLES = 100_000


def series(trainer: Any, max_points: int = MAX_POINTS) -> dict[str, dict[str, np.ndarray]]:
    """w, b and loss against step, each downsampled on its own to at most max_points, extremes kept."""
    steps = trainer.trace_column("step")
    result = {}
    for name in ("w", "b", "loss"):
        values = trainer.trace_column(name)
        keep = minmax_indices(values, max_points)
        result[name] = {"step": steps[keep], "value": values[keep]}
    return result


def trajectory(trainer: Any, max_points: int = MAX_POINTS) -> dict[str, np.ndarray]:
    """The (w, b) path, downsampled jointly so pairs stay aligned."""
    w, b = trainer.trace_column("w"), trainer.trace_column("b")
    keep = joint_indices([w, b], max_points)
    return {"step": trainer.trace_column("step")[keep], "w": w[keep], "b": b[keep]}


def samples(trainer: Any) -> dict[str, np.ndarray]:
    """An even subsample of the data for scatter charts."""
    x, y = trainer.arrays
    step = max(1, -(-len(x) // MAX_SAMPLE_POINTS))
    return {"x": x[::step], "y": y[::step]}


def current_batch(trainer: Any) -> dict[str, np.ndarray]:
    """The samples used by the most recent step (at most MAX_BATCH_POINTS)."""
    x, y = trainer.arrays
    chosen = trainer.last_batch[:MAX_BATCH_POINTS]
    return {"x": x[chosen], "y": y[chosen]}


def data_mean_loss(trainer: Any, at: tuple[float, float] | None = None) -> float:
    """Mean loss at (w, b) (default: the current point) over the data, or an even subsample of 100,000 points."""
    x, y = trainer.arrays
    step = max(1, -(-len(x) // MAX_METRIC_SAMPLES))
    w, b = at if at is not None else (trainer.w, trainer.b)
    return mean_loss(x[::step], y[::step], w, b, trainer.config.loss)


def surface_box(trainer: Any, path: dict[str, np.ndarray]) -> tuple[float, ...]:
    """A box holding the target, optimum, start and the path so far, rounded so it changes rarely."""
    config = trainer.config
    points = [(config.w_target, config.b_target), trainer.least_squares, (config.w_init, config.b_init)]
    if len(path["w"]):
        points += [(float(path["w"].min()), float(path["b"].min())), (float(path["w"].max()), float(path["b"].max()))]
    box = bounds(points)
    return tuple(float(np.format_float_positional(v, precision=2, fractional=False)) for v in box)


def surface(trainer: Any, box: tuple[float, ...]) -> Surface:
    """The mean-loss surface over box for the trainer's current data and loss."""
    x, y = trainer.arrays
    return mean_loss_surface(x, y, trainer.config.loss, box)


def smoothed_loss(trainer: Any, cache: EmaCache, smoothing: float, max_points: int = MAX_POINTS) -> dict:
    """The EMA-smoothed loss (smoothing = 1 - α, e.g. 0.9), downsampled; empty when smoothing is 0."""
    if smoothing <= 0:
        return {"step": np.zeros(0, np.int64), "value": np.zeros(0, np.float32)}
    ema = cache.update(trainer.trace_column("loss"), 1.0 - smoothing)
    keep = minmax_indices(ema, max_points)
    return {"step": trainer.trace_column("step")[keep], "value": ema[keep].astype(np.float32)}
