"""Loss smoothing shared by the Live and Compare pages: the EMA choices and a step-aware EMA."""

from __future__ import annotations

import numpy as np

SMOOTHING_CHOICES: dict[str, float] = {"off": 0.0, "0.9": 0.9, "0.99": 0.99, "0.999": 0.999}


def ema_by_step(steps: np.ndarray, values: np.ndarray, smoothing: float) -> np.ndarray:
    """The live page's loss EMA (ema = s·ema + (1 − s)·loss per step), on rows that may skip steps.

    Across a gap of k steps the old value decays by s**k, so a downsampled series smooths like the full one.
    """
    values = np.asarray(values, dtype=np.float64)
    if smoothing <= 0 or len(values) == 0:
        return values
    decay = np.power(smoothing, np.diff(np.asarray(steps, dtype=np.float64)))
    smoothed = np.empty_like(values)
    smoothed[0] = values[0]
    for index in range(1, len(values)):
        smoothed[index] = decay[index - 1] * smoothed[index - 1] + (1.0 - decay[index - 1]) * values[index]
    return smoothed
