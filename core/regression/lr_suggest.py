"""The learning-rate range test's rule: which learning rates stayed stable, and which one to suggest (NumPy only).

A learning rate is stable when its run stayed finite and ended with a mean loss no higher than where it
started, and so did every smaller one. The suggestion is the largest stable learning rate whose mean loss after
the budget is within 1% of the lowest stable loss (or within a millionth of the starting loss above it, for data
a line fits exactly): the largest step that still reaches the lowest loss.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LOWEST_LR, HIGHEST_LR = 1e-5, 10.0
DEFAULT_RATES = 64
NEAR_LOWEST = 0.01  # as core.regression.convergence judges a loss converged
NEAR_START = 1e-6


def learning_rates(count: int = DEFAULT_RATES) -> np.ndarray:
    """count learning rates spread exponentially from 1e-5 to 10."""
    return np.geomspace(LOWEST_LR, HIGHEST_LR, count)


@dataclass(frozen=True)
class RangeResult:
    """Each learning rate's mean loss after the budget (NaN where it diverged) and what the rule makes of them."""

    learning_rates: list[float]
    losses: list[float | None]  # None: diverged (non-finite, out of bounds, or worse than the start)
    suggested: float | None
    max_stable: float | None  # the largest stable learning rate: the divergence edge lies just above it
    edge: float | None  # the smallest learning rate that diverged (None: none did)
    start_loss: float


def judge(rates: np.ndarray, final_losses: np.ndarray, alive: np.ndarray, start_loss: float) -> RangeResult:
    """Apply the rule to each learning rate's final mean loss and whether its run stayed finite."""
    finite = alive & np.isfinite(final_losses) & (final_losses <= start_loss * (1 + 1e-6) + 1e-12)
    stable_count = int(np.argmin(finite)) if not finite.all() else len(rates)
    losses = [float(loss) if ok else None for loss, ok in zip(final_losses, finite)]
    if stable_count == 0:
        return RangeResult(rates.tolist(), losses, None, None, float(rates[0]), start_loss)
    stable = final_losses[:stable_count]
    lowest = float(stable.min())
    good = stable <= max(lowest * (1 + NEAR_LOWEST), lowest + NEAR_START * start_loss)
    suggested = float(rates[int(np.flatnonzero(good)[-1])])
    edge = float(rates[stable_count]) if stable_count < len(rates) else None
    return RangeResult(rates.tolist(), losses, suggested, float(rates[stable_count - 1]), edge, start_loss)
