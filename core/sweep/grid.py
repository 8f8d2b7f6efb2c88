"""Vectorised sweeps: a grid of regression configs trained together in one compiled GradientTape loop.

This module is the grid and its checks; it never imports TensorFlow (core.sweep.runner does, when a sweep runs).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.regression.config import ConfigError, RegressionConfig
from core.regression.convergence import steps_to_converge
from core.regression.fields import FIELD_NAMES
from core.regression.value_text import resolve_full

MAX_RUNS = 1_000
MAX_RUN_STEPS = 50_000_000  # runs × the longest run's steps
MAX_DATA_CELLS = 1 << 25  # runs × the largest n_samples, per x and y matrix
MAX_CHUNK_CELLS = 1 << 24  # steps × runs × the largest batch in one compiled call
MAX_CHUNK_STEPS = 1 << 20


@dataclass(frozen=True)
class SweepRun:
    """One run of a sweep: its config, "done" or "diverged", why, and its trace (step, epoch, w, b, loss)."""

    config: RegressionConfig
    status: str
    message: str
    trace: pd.DataFrame

    @property
    def final(self) -> dict[str, float]:
        """The last trace row as plain numbers."""
        return {name: self.trace[name].iloc[-1].item() for name in self.trace.columns}

    @property
    def steps_to_converge(self) -> int | None:
        """First step after which (w, b) stays within 0.01 of the targets, or None if it never settles there."""
        return steps_to_converge(self.trace, self.config.w_target, self.config.b_target)


def grid(base: RegressionConfig, **values: Any) -> list[RegressionConfig]:
    """Every combination of the given field values over base (first field slowest).

    `seeds` is accepted for seed, and a batch_size of "full" means the combination's n_samples.
    """
    if "seeds" in values:
        if "seed" in values:
            raise ConfigError("seeds", values["seeds"], "give seed or seeds, not both")
        values["seed"] = values.pop("seeds")
    axes: dict[str, list] = {}
    for name, options in values.items():
        if name not in FIELD_NAMES:
            raise ConfigError(name, options, f"unknown field; known fields: {', '.join(FIELD_NAMES)}")
        axes[name] = _options(name, options)
    size = math.prod(len(options) for options in axes.values())
    if size > MAX_RUNS:
        raise ConfigError("runs", size, f"a sweep may hold at most {MAX_RUNS:,} runs (fewer values per field)")
    configs = []
    for combination in itertools.product(*axes.values()):
        changes = resolve_full(dict(zip(axes, combination)), base.n_samples)
        configs.append(base.replace(**changes))
    return configs


def _options(name: str, options: Any) -> list:
    if isinstance(options, (str, bytes)) or not isinstance(options, Iterable):
        options = [options]
    options = list(options)
    if not options:
        raise ConfigError(name, options, "needs at least one value to sweep")
    return options


def check_sweep(configs: list[RegressionConfig]) -> None:
    """Raise ConfigError unless configs is a non-empty list of configs within the sweep's size limits."""
    if not isinstance(configs, (list, tuple)) or not configs:
        raise ConfigError("runs", configs, "a sweep needs a non-empty list of RegressionConfig")
    for config in configs:
        if not isinstance(config, RegressionConfig):
            raise ConfigError("config", config, "must be a RegressionConfig")
    runs = len(configs)
    if runs > MAX_RUNS:
        raise ConfigError("runs", runs, f"a sweep may hold at most {MAX_RUNS:,} runs")
    longest = max(config.total_steps for config in configs)
    if runs * longest > MAX_RUN_STEPS:
        raise ConfigError(
            "runs",
            runs,
            f"runs × the longest run's steps = {runs:,} × {longest:,} = {runs * longest:,}; at most "
            f"{MAX_RUN_STEPS:,} are allowed (fewer runs, fewer epochs or a larger batch_size)",
        )
    largest = max(config.n_samples for config in configs)
    if runs * largest > MAX_DATA_CELLS:
        raise ConfigError(
            "runs",
            runs,
            f"runs × the largest n_samples = {runs * largest:,}; at most {MAX_DATA_CELLS:,} samples are held "
            f"(fewer runs or a smaller n_samples)",
        )
    widest = max(config.batch_size for config in configs)
    if runs * widest > MAX_CHUNK_CELLS:
        raise ConfigError(
            "runs",
            runs,
            f"runs × the largest batch_size = {runs * widest:,}; at most {MAX_CHUNK_CELLS:,} are allowed",
        )
