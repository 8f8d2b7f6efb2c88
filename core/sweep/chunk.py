"""One XLA-compiled chunk that advances groups of regression runs together, each group with its optimizer and loss.

Runs that share an (optimizer, loss) pair form a group with its own batch dimension; one tf.range loop steps
every group, so all runs of a sweep advance in the same compiled computation. Within a group each run has its
own data, batches, learning rate and state. Each group's step is the same GradientTape code as
core.regression.backends.compiled_chunk, vectorised over runs, so the sweep reproduces one-at-a-time runs
(bit for bit in the cases tested). Picking each run's rule and loss with tf.where inside one big group was tried
first: it changes how XLA fuses and FMA-contracts the update, and chaotic or diverging runs then drifted from the
Trainer's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import NamedTuple

import tensorflow as tf

from core.regression.backends import DIVERGENCE_BOUND
from core.regression.losses import LOSS_FUNCTIONS
from core.regression.optimizers import OPTIMIZER_RULES


class Group(NamedTuple):
    """One group's inputs (R runs, capacity steps, batch width B, N samples, S optimizer slots)."""

    x: tf.Tensor  # [R, N], zero-padded past each run's n_samples
    y: tf.Tensor  # [R, N]
    indices: tf.Tensor  # [capacity, R, B] int32
    mask: tf.Tensor  # [capacity, R, B]: 1 = real sample
    active: tf.Tensor  # [capacity, R] bool: the run has a planned step here
    params: tf.Tensor  # [R, 2]: [w, b]
    slots: tf.Tensor  # [S, R, 2]
    iteration: tf.Tensor  # [R, 1] int32
    lr: tf.Tensor  # [R, 1]


def group_spec(optimizer: str) -> Group:
    """The TensorSpecs of a group's inputs (every size but the slot count is left open)."""
    n_slots = len(OPTIMIZER_RULES[optimizer].slot_inits)
    return Group(
        tf.TensorSpec([None, None], tf.float32),
        tf.TensorSpec([None, None], tf.float32),
        tf.TensorSpec([None, None, None], tf.int32),
        tf.TensorSpec([None, None, None], tf.float32),
        tf.TensorSpec([None, None], tf.bool),
        tf.TensorSpec([None, 2], tf.float32),
        tf.TensorSpec([n_slots, None, 2], tf.float32),
        tf.TensorSpec([None, 1], tf.int32),
        tf.TensorSpec([None, 1], tf.float32),
    )


class RunState(NamedTuple):
    """A group's state carried from step to step; alive turns false for good when a run diverges."""

    params: tf.Tensor  # [R, 2]
    slots: tf.Tensor  # [S, R, 2]
    iteration: tf.Tensor  # [R, 1] int32
    alive: tf.Tensor  # [R] bool


@tf.autograph.experimental.do_not_convert
def _group_step(optimizer: str, loss: str, group: Group, step: tf.Tensor, state: RunState) -> tuple:
    """One update of every run in a group (idle runs keep their state); returns (state, w, b, loss) rows."""
    params = state.params
    rule, slot_inits = OPTIMIZER_RULES[optimizer]
    x_batch = tf.gather(group.x, group.indices[step], batch_dims=1)
    y_batch = tf.gather(group.y, group.indices[step], batch_dims=1)
    weight = group.mask[step]
    with tf.GradientTape() as tape:
        tape.watch(params)
        pred = params[:, 0:1] * x_batch + params[:, 1:2]
        pointwise = LOSS_FUNCTIONS[loss](target=y_batch, pred=pred)
        step_loss = tf.reduce_sum(pointwise * weight, axis=1) / tf.reduce_sum(weight, axis=1)
        total = tf.reduce_sum(step_loss)  # runs are independent, so d total / d params is each run's gradient
    gradient = tape.gradient(total, params)
    delta, slots = rule(gradient, tuple(state.slots[i] for i in range(len(slot_inits))), group.lr, state.iteration)
    updated = params - delta
    finite = tf.math.is_finite(step_loss) & tf.reduce_all(tf.abs(updated) <= DIVERGENCE_BOUND, axis=1)
    live = group.active[step] & state.alive
    keep = live & finite
    new_state = RunState(
        tf.where(keep[:, None], updated, params),
        tf.where(keep[None, :, None], tf.stack(slots), state.slots) if slot_inits else state.slots,
        tf.where(keep[:, None], state.iteration + 1, state.iteration),
        state.alive & ~(live & ~finite),
    )
    return new_state, updated[:, 0], updated[:, 1], step_loss


@tf.autograph.experimental.do_not_convert
def _advance(kinds: tuple, groups: list[Group], step: tf.Tensor, states: list, rows: list) -> tuple[list, list]:
    """One step of every group, writing each group's new rows."""
    new_states, new_rows = [], []
    for (optimizer, loss), group, state, (w_rows, b_rows, loss_rows) in zip(kinds, groups, states, rows):
        state, w, b, step_loss = _group_step(optimizer, loss, group, step, state)
        new_states.append(state)
        new_rows.append((w_rows.write(step, w), b_rows.write(step, b), loss_rows.write(step, step_loss)))
    return new_states, new_rows


@cache
def sweep_chunk(kinds: tuple[tuple[str, str], ...]) -> Callable:
    """One tf.function(jit_compile=True) per tuple of (optimizer, loss) kinds: traced once, compiled per shape.

    Call it with one Group per kind and the number of steps to run (<= capacity). It returns, per group,
    (params, slots, iteration, alive, w_rows, b_rows, loss_rows) with rows shaped [capacity, R]. A run stops at
    its first non-finite or out-of-bounds row, which is still written so that its values can be reported.
    """
    signature = [[group_spec(optimizer) for optimizer, _ in kinds], tf.TensorSpec([], tf.int32)]

    @tf.function(input_signature=signature, jit_compile=True)
    def run_chunk(groups, n_steps):
        capacity = tf.shape(groups[0].indices)[0]
        states = [RunState(g.params, g.slots, g.iteration, tf.reduce_any(g.active, axis=0)) for g in groups]
        rows = [tuple(tf.TensorArray(tf.float32, size=capacity) for _ in range(3)) for _ in groups]
        for step in tf.range(n_steps):
            states, rows = _advance(kinds, groups, step, states, rows)
            if not tf.reduce_any(tf.concat([state.alive for state in states], axis=0)):
                break
        return [(*state, *(column.stack() for column in columns)) for state, columns in zip(states, rows)]

    return run_chunk
