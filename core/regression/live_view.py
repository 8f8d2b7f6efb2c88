"""What a live page needs from a trainer each tick: downsampled series, metrics, events, samples and surface."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.regression.data import mean_loss
from core.regression.data_sources import has_true_line
from core.regression.downsample import MAX_POINTS, joint_indices, minmax_indices
from core.regression.fit_quality import fit_quality
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
    chosen = chosen[chosen < len(x)]  # after a data change, until the next step, the last batch may lie past the end
    return {"x": x[chosen], "y": y[chosen]}


def data_mean_loss(trainer: Any, at: tuple[float, float] | None = None) -> float:
    """Mean loss at (w, b) (default: the current point) over the data, or an even subsample of 100,000 points."""
    x, y = trainer.arrays
    step = max(1, -(-len(x) // MAX_METRIC_SAMPLES))
    w, b = at if at is not None else (trainer.w, trainer.b)
    return mean_loss(x[::step], y[::step], w, b, trainer.config.loss)


def fit(trainer: Any) -> dict[str, float]:
    """R², RMSE and MAE of the current line over the data (or the same even subsample as data_mean_loss)."""
    x, y = trainer.arrays
    step = max(1, -(-len(x) // MAX_METRIC_SAMPLES))
    quality = fit_quality(x[::step], y[::step], trainer.w, trainer.b)
    return quality._asdict()


def chart_config(trainer: Any) -> dict[str, Any]:
    """The run's config for the page, whose w_target and b_target are the line the charts and deltas aim at.

    Data without a true line (curved, or a user's own) has no w* or b*: there they are the least-squares fit,
    and the view's true_line says so.
    """
    config = trainer.config.to_dict()
    if not has_true_line(trainer.config):
        config["w_target"], config["b_target"] = trainer.least_squares
    return config


def surface_box(trainer: Any, path: dict[str, np.ndarray], keep: tuple[float, ...] = ()) -> tuple[float, ...]:
    """A box holding the target, optimum, start and the path so far, rounded so it changes rarely.

    keep (the box drawn so far) stays while it still holds every point and is at most twice as wide as needed, so
    a path that wanders a little within its margin does not redraw the contours.
    """
    config = trainer.config
    target = (config.w_target, config.b_target) if has_true_line(config) else trainer.least_squares
    points = [target, trainer.least_squares, (config.w_init, config.b_init)]
    if len(path["w"]):
        points += [(float(path["w"].min()), float(path["b"].min())), (float(path["w"].max()), float(path["b"].max()))]
    box = tuple(float(np.format_float_positional(v, precision=2, fractional=False)) for v in bounds(points))
    if (
        len(keep) == 4
        and _holds(keep, points)
        and all(keep[high] - keep[low] <= 2 * (box[high] - box[low]) for low, high in ((0, 1), (2, 3)))
    ):
        return tuple(keep)
    return box


def _holds(box: tuple[float, ...], points: list[tuple[float, float]]) -> bool:
    return all(box[0] <= w <= box[1] and box[2] <= b <= box[3] for w, b in points)


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


DELTA_POINTS = 200  # rows per live update at most, whatever the speed


class PathExtent:
    """The (w, b) path's smallest and largest values so far, extended with new rows only (for surface_box)."""

    def __init__(self) -> None:
        self.key: tuple = ()
        self.rows = 0
        self.w = np.zeros(0, np.float64)
        self.b = np.zeros(0, np.float64)

    def update(self, trainer: Any) -> dict[str, np.ndarray]:
        """{"w": [min, max], "b": [min, max]} over the trace, as surface_box reads a path."""
        w, b = trainer.trace_column("w"), trainer.trace_column("b")
        key = (trainer.data_version, id(trainer))
        if key != self.key or len(w) < self.rows:
            self.key, self.rows = key, 0
            self.w, self.b = np.zeros(0, np.float64), np.zeros(0, np.float64)
        if len(w) > self.rows:
            self.w, self.b = _grown(self.w, w[self.rows :]), _grown(self.b, b[self.rows :])
            self.rows = len(w)
        return {"w": self.w, "b": self.b}


def _grown(extent: np.ndarray, fresh: np.ndarray) -> np.ndarray:
    values = np.concatenate([extent, [fresh.min(), fresh.max()]])
    return np.array([values.min(), values.max()], np.float64)


def new_rows(
    trainer: Any, cache: EmaCache, smoothing: float, since: int, max_points: int = DELTA_POINTS
) -> dict[str, Any]:
    """The rows after step since (step, w, b, loss and, when smoothing, the EMA), jointly min-max downsampled to at
    most max_points so that a chunk of any size keeps its extremes and its last row."""
    steps = trainer.trace_column("step")
    start = int(np.searchsorted(steps, since, side="right"))
    columns = {name: trainer.trace_column(name)[start:] for name in ("w", "b", "loss")}
    if smoothing > 0:
        columns["ema"] = cache.update(trainer.trace_column("loss"), 1.0 - smoothing)[start:]
    keep = joint_indices(list(columns.values()), max_points) if len(steps) - start > max_points else slice(None)
    rows = {"from": int(since), "step": steps[start:][keep]}
    rows.update({name: values[keep].astype(np.float32) for name, values in columns.items()})
    return rows
