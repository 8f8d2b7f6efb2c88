"""When a run has converged: the first step from which its fit stays close to the best one to the end of its trace.

Close means, for the tutorial's synthetic data, |w − w*| < 0.01 and |b − b*| < 0.01; for any other data (outliers,
heteroscedastic, curved or a user's own), the mean loss over the data is within 1% of the mean loss at the
least-squares fit. Squared error's mean loss is exact at every step (from the data's moments); mean absolute and
Huber losses are evaluated on an even subsample of at most LOSS_SAMPLES points (the bound too), at every step
while that stays under LOSS_CHECK_CELLS values per batch of rows, and at evenly spaced steps beyond that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

CONVERGED_WITHIN = 0.01
LOSS_WITHIN = 0.01  # relative to the mean loss at the least-squares fit
LOSS_CHECK_CELLS = 250_000  # a few milliseconds per live tick at most
LOSS_SAMPLES = 10_000


def converged_from(steps: np.ndarray, close: np.ndarray) -> int | None:
    """The first step from which close holds for the rest of the rows, or None if the last row is not close."""
    if len(close) == 0 or not close[-1]:
        return None
    far = np.flatnonzero(~close)
    return int(steps[far[-1] + 1]) if len(far) else int(steps[0])


def steps_to_converge(
    trace: pd.DataFrame, w_star: float, b_star: float, within: float = CONVERGED_WITHIN
) -> int | None:
    """First step from which |w − w*| < within and |b − b*| < within hold for the rest of the trace."""
    return converged_from(trace["step"].to_numpy(), near_targets(trace["w"], trace["b"], w_star, b_star, within))


def near_targets(w: np.ndarray, b: np.ndarray, w_star: float, b_star: float, within: float = CONVERGED_WITHIN):
    """Rows whose w and b are both within `within` of the targets."""
    return (np.abs(np.asarray(w) - w_star) < within) & (np.abs(np.asarray(b) - b_star) < within)


@dataclass(frozen=True)
class LossCriterion:
    """Rows whose mean loss over the data is at most (1 + LOSS_WITHIN) × the loss at the least-squares fit."""

    x: np.ndarray
    y: np.ndarray
    loss: str
    bound: float
    moments: tuple[float, ...] = ()  # squared error: E[x²], E[xy], E[y²], E[x], E[y] over all the data

    @classmethod
    def of(cls, x: np.ndarray, y: np.ndarray, loss: str) -> LossCriterion:
        """The criterion for data (x, y) under a loss."""
        from core.regression.data import least_squares, mean_loss

        w, b = least_squares(x, y)
        x64, y64 = x.astype(np.float64), y.astype(np.float64)
        if loss == "mse":
            moments = ((x64 * x64).mean(), (x64 * y64).mean(), (y64 * y64).mean(), x64.mean(), y64.mean())
            best = mean_loss(x64, y64, w, b, loss)
            return cls(x64[:0], y64[:0], loss, best * (1 + LOSS_WITHIN) + 1e-12, moments)
        step = max(1, -(-len(x64) // LOSS_SAMPLES))
        x64, y64 = x64[::step], y64[::step]
        best = mean_loss(x64, y64, w, b, loss)
        return cls(x64, y64, loss, best * (1 + LOSS_WITHIN) + 1e-12)

    def mean_losses(self, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The mean loss over the data at each (w, b) row (NaN for rows skipped by the stride)."""
        w, b = np.asarray(w, np.float64), np.asarray(b, np.float64)
        if self.loss == "mse":
            xx, xy, yy, xm, ym = self.moments
            return yy - 2 * w * xy - 2 * b * ym + w * w * xx + 2 * w * b * xm + b * b
        from core.regression.data import pointwise_loss

        losses = np.full(len(w), np.nan)
        stride = max(1, -(-len(w) * len(self.x) // LOSS_CHECK_CELLS))
        picked = np.unique(np.r_[np.arange(0, len(w), stride), len(w) - 1]) if len(w) else np.zeros(0, int)
        per_batch = max(1, LOSS_CHECK_CELLS // max(len(self.x), 1))
        for start in range(0, len(picked), per_batch):
            rows = picked[start : start + per_batch]
            residual = self.y[None, :] - (w[rows, None] * self.x[None, :] + b[rows, None])
            losses[rows] = pointwise_loss(residual, self.loss).mean(axis=1)
        return losses

    def close(self, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Rows that are close (rows skipped by the stride take the next checked row's answer)."""
        losses = self.mean_losses(w, b)
        checked = ~np.isnan(losses)
        close = np.zeros(len(losses), bool)
        close[checked] = losses[checked] <= self.bound
        if not checked.all():  # a skipped row counts as its next checked row
            index = np.flatnonzero(checked)
            close = close[index[np.searchsorted(index, np.arange(len(losses)))]]
        return close


class ConvergenceTracker:
    """Follows a growing trace, row batch by row batch, and knows the step it converged at so far (or None)."""

    def __init__(self, criterion) -> None:
        self.criterion = criterion
        self.step: int | None = None

    def restart(self, criterion) -> None:
        """New data or targets: convergence is judged afresh from the next rows."""
        self.criterion, self.step = criterion, None

    def close(self, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Which of these rows are close."""
        if isinstance(self.criterion, LossCriterion):
            return self.criterion.close(w, b)
        w_star, b_star = self.criterion
        return near_targets(w, b, w_star, b_star)

    def update(self, steps: np.ndarray, w: np.ndarray, b: np.ndarray) -> int | None:
        """Take the next rows; returns the converged step so far."""
        if len(steps) == 0:
            return self.step
        close = self.close(w, b)
        if close.all():
            self.step = self.step if self.step is not None else int(steps[0])
        else:
            self.step = converged_from(np.asarray(steps), close)
        return self.step


def criterion_for(true_line: bool, w_star: float, b_star: float, x: np.ndarray, y: np.ndarray, loss: str):
    """(w*, b*) for data with a true line (the tutorial's), else the LossCriterion on the data."""
    if true_line:
        return (w_star, b_star)
    return LossCriterion.of(x, y, loss)
