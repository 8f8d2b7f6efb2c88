"""The gradient of one step's loss in closed form, for each loss (NumPy, float64): what the tape should return."""

from __future__ import annotations

import numpy as np

from core.regression.data import HUBER_DELTA

# ∂ℓ/∂w for one sample, as shown beside the tape's number (∂ℓ/∂b is the same without the x).
CLOSED_FORM_TEXT: dict[str, tuple[str, str]] = {
    "mse": ("−2·x·(y − ŷ)", "−2·(y − ŷ)"),
    "mae": ("−x·sign(y − ŷ)", "−sign(y − ŷ)"),
    "huber": (
        f"−x·(y − ŷ) if |y − ŷ| ≤ {HUBER_DELTA:g}, else −{HUBER_DELTA:g}·x·sign(y − ŷ)",
        f"−(y − ŷ) if |y − ŷ| ≤ {HUBER_DELTA:g}, else −{HUBER_DELTA:g}·sign(y − ŷ)",
    ),
}


def loss_slope(residual: np.ndarray, loss: str) -> np.ndarray:
    """∂ℓ/∂ŷ at each residual y − ŷ (sign(0) = 0, as TensorFlow's gradient of |·| at 0)."""
    if loss == "mse":
        return -2.0 * residual
    if loss == "mae":
        return -np.sign(residual)
    return np.where(np.abs(residual) <= HUBER_DELTA, -residual, -HUBER_DELTA * np.sign(residual))


def closed_form_gradient(
    x: np.ndarray, y: np.ndarray, prediction: np.ndarray, weight: np.ndarray, loss: str
) -> tuple[float, float]:
    """(∂L/∂w, ∂L/∂b) of the weighted mean loss Σ weight·ℓ(y − ŷ) / Σ weight with ŷ = w·x + b, in float64.

    prediction is ŷ as the forward pass computed it, so the closed form has the step's own numbers plugged in.
    """
    x64, y64, pred64, weight64 = (np.asarray(a, dtype=np.float64) for a in (x, y, prediction, weight))
    slope = loss_slope(y64 - pred64, loss) * weight64
    total = weight64.sum()
    return float((slope * x64).sum() / total), float(slope.sum() / total)
