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


def group_spec(optimizer: str | None) -> Group:
    """The TensorSpecs of a group's inputs: every size but the optimizer's slot count is left open (that too when
    optimizer is None, for the packed call's groups side by side)."""
    n_slots = None if optimizer is None else len(OPTIMIZER_RULES[optimizer].slot_inits)
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
def _batch_gradient(loss: str, x, y, indices, weight, params: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """Each run's masked mean loss on its batch and its gradient, by the tutorial's GradientTape: ([R], [R, 2])."""
    x_batch = tf.gather(x, indices, batch_dims=1)
    y_batch = tf.gather(y, indices, batch_dims=1)
    with tf.GradientTape() as tape:
        tape.watch(params)
        pred = params[:, 0:1] * x_batch + params[:, 1:2]
        pointwise = LOSS_FUNCTIONS[loss](target=y_batch, pred=pred)
        step_loss = tf.reduce_sum(pointwise * weight, axis=1) / tf.reduce_sum(weight, axis=1)
        total = tf.reduce_sum(step_loss)  # runs are independent, so d total / d params is each run's gradient
    return step_loss, tape.gradient(total, params)


def _kept(state: RunState, updated: tf.Tensor, slots: tf.Tensor | None, step_loss, active) -> RunState:
    """The state after a step: live runs whose step stayed finite take it; a run that diverged stops for good."""
    finite = tf.math.is_finite(step_loss) & tf.reduce_all(tf.abs(updated) <= DIVERGENCE_BOUND, axis=1)
    live = active & state.alive
    keep = live & finite
    return RunState(
        tf.where(keep[:, None], updated, state.params),
        tf.where(keep[None, :, None], slots, state.slots) if slots is not None else state.slots,
        tf.where(keep[:, None], state.iteration + 1, state.iteration),
        state.alive & ~(live & ~finite),
    )


@tf.autograph.experimental.do_not_convert
def _group_step(optimizer: str, loss: str, group: Group, step: tf.Tensor, state: RunState) -> tuple:
    """One update of every run in a group (idle runs keep their state); returns (state, w, b, loss) rows."""
    params = state.params
    rule, slot_inits = OPTIMIZER_RULES[optimizer]
    step_loss, gradient = _batch_gradient(loss, group.x, group.y, group.indices[step], group.mask[step], params)
    delta, slots = rule(gradient, tuple(state.slots[i] for i in range(len(slot_inits))), group.lr, state.iteration)
    updated = params - delta
    new_state = _kept(state, updated, tf.stack(slots) if slot_inits else None, step_loss, group.active[step])
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


class Span(NamedTuple):
    """Where one group sits in packed inputs: its (optimizer, loss), runs start:stop and its batch width."""

    optimizer: str
    loss: str
    start: int
    stop: int
    batch: int


# every group's inputs side by side along the run axis, batch and slots padded to the widest
PACKED_SPEC = group_spec(None)


def _blocks(spans: tuple[Span, ...]) -> list[tuple[int, int, str, int]]:
    """Neighbouring spans that share a loss and batch width, as (start, stop, loss, batch): one gradient each."""
    blocks: list[tuple[int, int, str, int]] = []
    for span in spans:
        if blocks and blocks[-1][1] == span.start and blocks[-1][2:] == (span.loss, span.batch):
            blocks[-1] = (blocks[-1][0], span.stop, span.loss, span.batch)
        else:
            blocks.append((span.start, span.stop, span.loss, span.batch))
    return blocks


class Block(NamedTuple):
    """The inputs of neighbouring groups that share a loss and batch width, sliced out of the packed inputs."""

    loss: str
    runs: slice
    x: tf.Tensor  # [Rb, N]
    y: tf.Tensor
    indices: tf.Tensor  # [capacity, Rb, batch]
    mask: tf.Tensor


def _block_inputs(spans: tuple[Span, ...], packed: Group) -> list[Block]:
    """Each block's own inputs, sliced once before the loop (slicing packed inputs by the loop's step inside an
    XLA while loop gave every block the first block's rows in TensorFlow 2.21)."""
    blocks = []
    for start, stop, loss, batch in _blocks(spans):
        runs = slice(start, stop)
        x, y = packed.x[runs], packed.y[runs]
        blocks.append(Block(loss, runs, x, y, packed.indices[:, runs, :batch], packed.mask[:, runs, :batch]))
    return blocks


@tf.autograph.experimental.do_not_convert
def _packed_step(spans: tuple[Span, ...], blocks: list[Block], packed: Group, step: tf.Tensor, state: RunState):
    """One update of every packed run: one batch gradient per block of groups sharing a loss and batch width, then
    each group's own optimizer rule on its rows; returns (state, w, b, loss) rows as _group_step does."""
    losses, gradients = [], []
    for block in blocks:
        params = state.params[block.runs]
        step_loss, gradient = _batch_gradient(
            block.loss, block.x, block.y, block.indices[step], block.mask[step], params
        )
        losses.append(step_loss)
        gradients.append(gradient)
    step_loss, gradient = tf.concat(losses, axis=0), tf.concat(gradients, axis=0)
    updates, slot_parts = [], []
    for span in spans:
        runs = slice(span.start, span.stop)
        rule, slot_inits = OPTIMIZER_RULES[span.optimizer]
        own = tuple(state.slots[i, runs] for i in range(len(slot_inits)))
        delta, slots = rule(gradient[runs], own, packed.lr[runs], state.iteration[runs])
        updates.append(state.params[runs] - delta)  # per group, as _group_step does (XLA fuses it the same way)
        if slot_inits:
            slot_parts.append(tf.concat([tf.stack(slots), state.slots[len(slot_inits) :, runs]], axis=0))
        else:
            slot_parts.append(state.slots[:, runs])
    updated = tf.concat(updates, axis=0)
    most_slots = max(len(OPTIMIZER_RULES[span.optimizer].slot_inits) for span in spans)
    new_slots = tf.concat(slot_parts, axis=1) if most_slots else None
    return _kept(state, updated, new_slots, step_loss, packed.active[step]), updated[:, 0], updated[:, 1], step_loss


@cache
def packed_chunk(spans: tuple[Span, ...]) -> Callable:
    """sweep_chunk over packed inputs: one concrete function per layout of groups, called with 10 flat tensors.

    A tick of a race is small, so the tf.function's per-call dispatch (binding and checking every input of every
    group) cost more than the steps; packing the groups side by side makes the inputs ten tensors whatever the
    groups, and the concrete function skips the trace lookup. Groups that share a loss and batch width take one
    batch gradient together (each run's row is computed on its own, so it is the same value), then each group
    applies its own optimizer rule. Returns (params, slots, iteration, alive, w_rows, b_rows, loss_rows), packed
    the same way (a group's unused slot rows come back as they went in). The loop runs over the static capacity
    and breaks after n_steps (>= 1), as core.regression.backends.compiled_chunk does, so a new tick length never
    compiles again.
    """

    @tf.function(input_signature=[*PACKED_SPEC, tf.TensorSpec([], tf.int32)], jit_compile=True)
    def run_packed(x, y, indices, mask, active, params, slots, iteration, lr, n_steps):
        packed = Group(x, y, indices, mask, active, params, slots, iteration, lr)
        capacity = tf.shape(indices)[0]
        state = RunState(params, slots, iteration, tf.reduce_any(active, axis=0))
        blocks = _block_inputs(spans, packed)
        w_rows, b_rows, loss_rows = (tf.TensorArray(tf.float32, size=capacity) for _ in range(3))
        for step in tf.range(capacity):
            state, w, b, step_loss = _packed_step(spans, blocks, packed, step, state)
            w_rows, b_rows, loss_rows = w_rows.write(step, w), b_rows.write(step, b), loss_rows.write(step, step_loss)
            if step + 1 >= n_steps or not tf.reduce_any(state.alive):
                break
        return (*state, w_rows.stack(), b_rows.stack(), loss_rows.stack())

    return run_packed.get_concrete_function()
