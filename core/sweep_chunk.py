"""One XLA-compiled chunk that advances R regression runs together, each with its own optimizer, loss and rate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import tensorflow as tf

from core.backends import DIVERGENCE_BOUND
from core.losses import LOSS_FUNCTIONS
from core.optimizers import OPTIMIZER_RULES


def slot_count(optimizers: Sequence[str]) -> int:
    """Slots each run keeps: enough for the hungriest of the optimizers (the union of their needs)."""
    return max(len(OPTIMIZER_RULES[name].slot_inits) for name in optimizers)


def _pick(choice: tf.Tensor, options: list[tf.Tensor]) -> tf.Tensor:
    """Per run, the option whose position equals choice (an exact select, no arithmetic)."""
    picked = options[0]
    for position, option in enumerate(options[1:], start=1):
        picked = tf.where(tf.equal(choice, position), option, picked)
    return picked


@cache
def sweep_chunk(optimizers: tuple[str, ...], losses: tuple[str, ...]) -> Callable:
    """One tf.function(jit_compile=True) per (optimizer set, loss set): traced once, XLA-compiled once per shape.

    Runs pick their optimizer and loss by position in these tuples. Every step computes each listed loss and
    update rule for all runs and selects per run; runs that are inactive (finished, padded or diverged) keep
    their parameters, slots and iteration unchanged.
    """
    rules = [OPTIMIZER_RULES[name] for name in optimizers]
    loss_funcs = [LOSS_FUNCTIONS[name] for name in losses]
    n_slots = slot_count(optimizers)
    signature = [
        tf.TensorSpec([None, None], tf.float32),  # x[R, N]
        tf.TensorSpec([None, None], tf.float32),  # y[R, N]
        tf.TensorSpec([None, None, None], tf.int32),  # indices[capacity, R, B]
        tf.TensorSpec([None, None, None], tf.float32),  # mask[capacity, R, B]
        tf.TensorSpec([None, None], tf.bool),  # active[capacity, R]: the run has a planned step here
        tf.TensorSpec([], tf.int32),  # steps to run (<= capacity)
        tf.TensorSpec([None, 2], tf.float32),  # params [w, b] per run
        tf.TensorSpec([None, n_slots, 2], tf.float32),  # optimizer slots per run
        tf.TensorSpec([None, 1], tf.int32),  # optimizer iteration per run
        tf.TensorSpec([None, 1], tf.float32),  # learning rate per run
        tf.TensorSpec([None, 1], tf.int32),  # optimizer position per run
        tf.TensorSpec([None, 1], tf.int32),  # loss position per run
    ]

    @tf.function(input_signature=signature, jit_compile=True)
    def run_chunk(x, y, indices, mask, active, n_steps, params, slots, iteration, lr, optimizer_id, loss_id):
        capacity = tf.shape(indices)[0]
        w_rows = tf.TensorArray(tf.float32, size=capacity)
        b_rows = tf.TensorArray(tf.float32, size=capacity)
        loss_rows = tf.TensorArray(tf.float32, size=capacity)
        alive = tf.reduce_any(active, axis=0)
        for step in tf.range(n_steps):
            x_batch = tf.gather(x, indices[step], batch_dims=1)
            y_batch = tf.gather(y, indices[step], batch_dims=1)
            weight = mask[step]
            with tf.GradientTape() as tape:
                tape.watch(params)
                pred = params[:, 0:1] * x_batch + params[:, 1:2]
                pointwise = _pick(loss_id, [func(target=y_batch, pred=pred) for func in loss_funcs])
                step_loss = tf.reduce_sum(pointwise * weight, axis=1) / tf.reduce_sum(weight, axis=1)
                total = tf.reduce_sum(step_loss)
            gradient = tape.gradient(total, params)
            deltas, new_slots = [], []
            for rule in rules:
                used = len(rule.slot_inits)
                delta, own = rule.rule(gradient, tuple(slots[:, i] for i in range(used)), lr, iteration)
                deltas.append(delta)
                new_slots.append(tf.stack(list(own) + [slots[:, i] for i in range(used, n_slots)], axis=1))
            updated = params - _pick(optimizer_id, deltas)
            finite = tf.math.is_finite(step_loss) & tf.reduce_all(tf.abs(updated) <= DIVERGENCE_BOUND, axis=1)
            live = active[step] & alive
            keep = live & finite
            params = tf.where(keep[:, None], updated, params)
            if n_slots:
                slots = tf.where(keep[:, None, None], _pick(optimizer_id[:, :, None], new_slots), slots)
            iteration = tf.where(keep[:, None], iteration + 1, iteration)
            alive = alive & ~(live & ~finite)
            w_rows = w_rows.write(step, updated[:, 0])
            b_rows = b_rows.write(step, updated[:, 1])
            loss_rows = loss_rows.write(step, step_loss)
            if not tf.reduce_any(alive):
                break
        return alive, params, slots, iteration, w_rows.stack(), b_rows.stack(), loss_rows.stack()

    return run_chunk
