"""The mean-loss surface over (w, b) for contour charts, from the data's moments or a subsample (NumPy only)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.regression.data import pointwise_loss

GRID_SIZE = 60
MAX_SURFACE_SAMPLES = 2000


@dataclass(frozen=True)
class Surface:
    """Mean loss on a grid: loss[i, j] is at (w_values[j], b_values[i])."""

    w_values: np.ndarray
    b_values: np.ndarray
    loss: np.ndarray


def bounds(points: list[tuple[float, float]], margin: float = 0.35, minimum: float = 2.0) -> tuple[float, ...]:
    """A (w_low, w_high, b_low, b_high) box around the points with a margin and a minimum span."""
    ws = np.array([p[0] for p in points], dtype=np.float64)
    bs = np.array([p[1] for p in points], dtype=np.float64)
    box = []
    for values in (ws, bs):
        low, high = float(values.min()), float(values.max())
        span = max(high - low, minimum)
        middle = (low + high) / 2
        box += [middle - span * (0.5 + margin), middle + span * (0.5 + margin)]
    return tuple(box)


def mean_loss_surface(
    x: np.ndarray, y: np.ndarray, loss: str, box: tuple[float, ...], size: int = GRID_SIZE
) -> Surface:
    """Mean loss over the box; exact from moments for mse, from an even subsample for mae and huber."""
    w_values = np.linspace(box[0], box[1], size)
    b_values = np.linspace(box[2], box[3], size)
    w_grid, b_grid = np.meshgrid(w_values, b_values)
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    if loss == "mse":
        ex, ey, exx, exy, eyy = x64.mean(), y64.mean(), (x64 * x64).mean(), (x64 * y64).mean(), (y64 * y64).mean()
        surface = eyy - 2 * w_grid * exy - 2 * b_grid * ey + w_grid**2 * exx + 2 * w_grid * b_grid * ex + b_grid**2
        return Surface(w_values, b_values, surface)
    step = max(1, len(x64) // MAX_SURFACE_SAMPLES)
    xs, ys = x64[::step], y64[::step]
    residual = ys[None, None, :] - (w_grid[..., None] * xs[None, None, :] + b_grid[..., None])
    return Surface(w_values, b_values, pointwise_loss(residual, loss).mean(axis=-1))
