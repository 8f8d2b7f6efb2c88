"""Loss smoothing shared by the Live and Compare pages: the EMA choices, a step-aware EMA and an incremental one."""

from __future__ import annotations

import numpy as np
import pandas as pd

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


class EmaCache:
    """Exponential moving average of the loss column, extended incrementally as rows arrive.

    The values live in a buffer that grows by doubling, so a tick appends its few rows instead of copying the
    whole EMA (8 MB a tick on a 1,000,000-step run). ``values`` is a view of the rows so far; rows already there
    never change (a new alpha or a shorter trace starts a new buffer).
    """

    def __init__(self) -> None:
        self.alpha = -1.0
        self._buffer = np.zeros(0, dtype=np.float64)
        self.values = self._buffer

    def update(self, loss: np.ndarray, alpha: float) -> np.ndarray:
        """EMA with ema[0] = loss[0] and ema[i] = α·loss[i] + (1-α)·ema[i-1], for every row so far."""
        if alpha != self.alpha or len(self.values) > len(loss):
            self.alpha, self._buffer = alpha, np.zeros(0, dtype=np.float64)
            self.values = self._buffer
        done, total = len(self.values), len(loss)
        if done < total:
            fresh = loss[done:].astype(np.float64)
            seed = fresh[:1] if done == 0 else self.values[-1:]
            extended = pd.Series(np.concatenate([seed, fresh])).ewm(alpha=alpha, adjust=False).mean().to_numpy()
            if total > len(self._buffer):
                grown = np.empty(max(total, 2 * len(self._buffer), 1024), dtype=np.float64)
                grown[:done] = self.values
                self._buffer = grown
            self._buffer[done:total] = extended[1:]
            self.values = self._buffer[:total]
        return self.values
