"""The learning-rate range test: a config trained at 64 learning rates at once, in the sweep's compiled chunk.

Every learning rate trains the same LR_FIND_STEPS steps of the config (its batches in order, over more epochs
than the config has if it is shorter) from the same start, as one group of core.sweep.chunk's vectorised
GradientTape loop: for the tutorial's config that is one compiled call. Data sets too large to copy 64 times are
thinned to an even subsample first.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import tensorflow as tf

from core.regression.config import RegressionConfig
from core.regression.data import make_data, max_stable_learning_rate, mean_loss
from core.regression.dataset import Datasets
from core.regression.lr_suggest import DEFAULT_RATES, RangeResult, judge, learning_rates
from core.regression.schedule import Position, plan_steps
from core.sweep.chunk import Group, sweep_chunk
from core.sweep.grid import MAX_CHUNK_CELLS, MAX_DATA_CELLS
from core.sweep.runner import RunGroup

LR_FIND_STEPS = 1000


def budget_config(config: RegressionConfig) -> RegressionConfig:
    """The config with enough epochs for LR_FIND_STEPS steps (a short run gets more epochs for the test)."""
    epochs = max(config.epochs, -(-LR_FIND_STEPS // config.steps_per_epoch))
    return config if epochs == config.epochs else config.replace(epochs=epochs)


def thinned(config: RegressionConfig, x: np.ndarray, y: np.ndarray, runs: int) -> tuple[RegressionConfig, tuple]:
    """The config and data to train: an even subsample when runs copies of the data would be too many cells."""
    most = MAX_DATA_CELLS // runs
    if len(x) <= most:
        return config, (x, y)
    step = -(-len(x) // most)
    x, y = x[::step], y[::step]
    return config.replace(n_samples=len(x), batch_size=min(config.batch_size, len(x))), (x, y)


def range_test(
    config: RegressionConfig, datasets: Datasets | None = None, count: int = DEFAULT_RATES
) -> tuple[RangeResult, dict]:
    """Train config at count learning rates from 1e-5 to 10; the rule's result and facts about the test."""
    x_all, y_all = make_data(config, datasets)
    rates = learning_rates(count)
    trained, (x, y) = thinned(budget_config(config), x_all, y_all, count)
    configs = [trained.replace(learning_rate=float(rate)) for rate in rates]
    group = RunGroup(list(range(count)), configs, [(x, y)] * count)
    steps = LR_FIND_STEPS
    chunk = max(1, min(steps, MAX_CHUNK_CELLS // (count * trained.batch_size)))
    position, done, calls = Position(), 0, 0
    alive = np.ones(count, bool)
    while done < steps:
        plan = plan_steps(
            trained.n_samples,
            trained.batch_size,
            trained.seed,
            trained.shuffle,
            trained.epochs,
            position,
            min(chunk, steps - done),
        )
        if plan.n_steps == 0:
            break
        inputs = Group(*(tf.constant(value) for value in group.inputs(dict.fromkeys(range(count), plan), plan.n_steps)))
        outputs = sweep_chunk(((trained.optimizer, trained.loss),))([inputs], tf.constant(plan.n_steps, tf.int32))[0]
        params, slots, iteration, still = (output.numpy() for output in outputs[:4])
        group.params, group.slots, group.iteration = params, slots, iteration
        alive &= still
        position, done, calls = plan.end, done + plan.n_steps, calls + 1
    start = mean_loss(x_all, y_all, config.w_init, config.b_init, config.loss)
    finals = np.array(
        [
            mean_loss(x_all, y_all, float(w), float(b), config.loss) if ok else np.nan
            for (w, b), ok in zip(group.params, alive)
        ]
    )
    facts = {
        "steps": done,
        "compiled_calls": calls,
        "rows_trained": len(x),
        "theory_max_stable": max_stable_learning_rate(x_all, config.loss),
    }
    return judge(rates, finals, alive, start), facts


def find_learning_rate(config: RegressionConfig, datasets: Datasets | None = None) -> dict[str, Any]:
    """The range test as plain data: learning_rates, losses (None where diverged), suggested, max_stable, and
    divergence_edge, two_over_lambda_max, start_loss, steps, compiled_calls, rows_trained and seconds."""
    started = time.perf_counter()
    result, facts = range_test(config, datasets)
    return {
        "learning_rates": result.learning_rates,
        "losses": result.losses,
        "suggested": result.suggested,
        "max_stable": result.max_stable,
        "divergence_edge": result.edge,
        "two_over_lambda_max": facts["theory_max_stable"],
        "start_loss": result.start_loss,
        "steps": facts["steps"],
        "compiled_calls": facts["compiled_calls"],
        "rows_trained": facts["rows_trained"],
        "seconds": round(time.perf_counter() - started, 3),
    }
