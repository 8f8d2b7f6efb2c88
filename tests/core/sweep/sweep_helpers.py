"""Sweeps shared by the grid and runner tests: a small base config and sweeps that break each size limit."""

from __future__ import annotations

from core.regression.config import RegressionConfig
from core.sweep.grid import MAX_RUNS

SMALL = RegressionConfig(n_samples=40, epochs=2)
OVER_THE_LIMITS = [
    ([], "non-empty"),
    ([SMALL, "not a config"], "RegressionConfig"),
    ([SMALL] * (MAX_RUNS + 1), "at most 1,000 runs"),
    ([RegressionConfig(n_samples=1000, epochs=10_000)] * 6, "longest run's steps"),
    ([RegressionConfig(n_samples=1_000_000, batch_size=1_000_000)] * 40, "n_samples"),
    ([RegressionConfig(n_samples=1_000_000, batch_size=1_000_000)] * 20, "batch_size"),
]
