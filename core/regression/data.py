"""Deterministic sample data for a config, plus closed-form facts about it (NumPy only, no TensorFlow)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from core.regression.config import RegressionConfig
from core.regression.data_sources import source_data
from core.regression.dataset import Datasets

HUBER_DELTA = 1.0


def make_data(config: RegressionConfig, datasets: Datasets | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The config's samples, float32: by default the tutorial's x ~ N(0, 1), y = w_target·x + b_target (+ noise).

    x comes from its own random stream, so changing the targets or the noise keeps the same x. Other data
    sources are drawn by core.regression.data_sources; a user's data set comes from datasets, by its hash.
    """
    return source_data(config, datasets)


@lru_cache(maxsize=4)
def epoch_order(n_samples: int, seed: int, epoch: int, shuffle: bool) -> np.ndarray | None:
    """Sample order for one epoch: None means the data's own order (the tutorial's). Cached; do not modify."""
    if not shuffle:
        return None
    return np.random.default_rng([seed, 2, epoch]).permutation(n_samples).astype(np.int32)


def least_squares(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Closed-form (w, b) minimising the mean squared error on the data."""
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    x_mean, y_mean = x64.mean(), y64.mean()
    variance = float(((x64 - x_mean) ** 2).mean())
    if variance == 0.0:
        return 0.0, float(y_mean)
    w = float(((x64 - x_mean) * (y64 - y_mean)).mean() / variance)
    return w, float(y_mean - w * x_mean)


def max_stable_learning_rate(x: np.ndarray, loss: str = "mse") -> float:
    """2/λ_max of the mean loss's Hessian over (w, b): the largest stable full-batch SGD step.

    Squared error has Hessian 2·[[E x², E x], [E x, 1]]; Huber has half of it near the optimum; MAE has no
    curvature, so the squared-error figure is quoted for it as a guide.
    """
    x64 = x.astype(np.float64)
    scale = 1.0 if loss == "huber" else 2.0
    hessian = scale * np.array([[np.mean(x64 * x64), np.mean(x64)], [np.mean(x64), 1.0]])
    return float(2.0 / np.linalg.eigvalsh(hessian).max())


def pointwise_loss(residual: np.ndarray, loss: str) -> np.ndarray:
    """The loss of each residual y - pred, as the engine defines it (NumPy mirror of core.regression.losses)."""
    if loss == "mse":
        return residual**2
    if loss == "mae":
        return np.abs(residual)
    small = np.abs(residual) <= HUBER_DELTA
    return np.where(small, 0.5 * residual**2, HUBER_DELTA * np.abs(residual) - 0.5 * HUBER_DELTA**2)


def mean_loss(x: np.ndarray, y: np.ndarray, w: float, b: float, loss: str) -> float:
    """Mean loss over all the data at (w, b), in float64."""
    residual = y.astype(np.float64) - (w * x.astype(np.float64) + b)
    return float(pointwise_loss(residual, loss).mean())
