"""How well a line w·x + b fits data: R², RMSE and MAE over all the points (NumPy, float64)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class FitQuality(NamedTuple):
    """R² (1 − SSE/SST; 0 for constant y that is not fit exactly), root mean squared error and mean absolute error."""

    r2: float
    rmse: float
    mae: float


def fit_quality(x: np.ndarray, y: np.ndarray, w: float, b: float) -> FitQuality:
    """R², RMSE and MAE of y ≈ w·x + b over every point."""
    x64, y64 = np.asarray(x, np.float64), np.asarray(y, np.float64)
    residual = y64 - (w * x64 + b)
    sse = float(np.dot(residual, residual))
    centred = y64 - y64.mean()
    sst = float(np.dot(centred, centred))
    r2 = 1.0 - sse / sst if sst > 0 else (1.0 if sse == 0 else 0.0)
    return FitQuality(r2, float(np.sqrt(sse / len(x64))), float(np.abs(residual).mean()))
