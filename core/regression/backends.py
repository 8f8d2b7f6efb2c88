"""The two ways to run planned steps: the tutorial's eager GradientTape loop, and one XLA-compiled chunk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import numpy as np
import tensorflow as tf

from core.regression.config import RegressionConfig
from core.regression.data import max_stable_learning_rate
from core.regression.losses import LOSS_FUNCTIONS
from core.regression.optimizers import OPTIMIZER_RULES

DIVERGENCE_BOUND = 1e6


@dataclass(frozen=True)
class OptimizerState:
    """Parameters [w, b], optimizer slots [S, 2] and the optimizer's own update count."""

    params: np.ndarray
    slots: np.ndarray
    iteration: int

    @classmethod
    def fresh(cls, optimizer: str, w: float, b: float) -> OptimizerState:
        """Start state for an optimizer at (w, b)."""
        inits = OPTIMIZER_RULES[optimizer].slot_inits
        slots = np.array([[value, value] for value in inits], dtype=np.float32).reshape(len(inits), 2)
        return cls(np.array([w, b], dtype=np.float32), slots, 0)


@dataclass(frozen=True)
class ChunkResult:
    """Rows produced by a chunk (stopping right after the first diverged row) and the state after it.

    slot_rows[k] holds the optimizer slots after row k (None where a backend did not record them), so the state
    after any row is known exactly: head(k) is the chunk cut after k rows, tail(k) the rows after them.
    """

    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    state: OptimizerState
    slot_rows: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.w)

    def head(self, k: int) -> ChunkResult:
        """The first k rows (k >= 1) and the exact state after them."""
        if k >= len(self.w):
            return self
        if k < 1 or self.slot_rows is None:
            raise ValueError(f"can't cut a chunk of {len(self.w)} rows after {k} without its slot rows")
        params = np.array([self.w[k - 1], self.b[k - 1]], dtype=np.float32)
        state = OptimizerState(params, self.slot_rows[k - 1], self.state.iteration - (len(self.w) - k))
        return ChunkResult(self.w[:k], self.b[:k], self.loss[:k], state, self.slot_rows[:k])

    def tail(self, k: int) -> ChunkResult:
        """The rows after the first k, ending in the same state."""
        slot_rows = None if self.slot_rows is None else self.slot_rows[k:]
        return ChunkResult(self.w[k:], self.b[k:], self.loss[k:], self.state, slot_rows)


class Backend(Protocol):
    """Runs planned batches from a state with one optimizer, loss and learning rate."""

    def __call__(
        self,
        x: tf.Tensor,
        y: tf.Tensor,
        indices: np.ndarray,
        mask: np.ndarray,
        state: OptimizerState,
        optimizer: str,
        loss: str,
        learning_rate: float,
    ) -> ChunkResult: ...


def is_bad(w: float, b: float, loss: float) -> bool:
    """True when a step's values mean the run diverged."""
    return not (np.isfinite(loss) and abs(w) <= DIVERGENCE_BOUND and abs(b) <= DIVERGENCE_BOUND)


def diverged_message(config: RegressionConfig, x: np.ndarray, step: int, w: float, b: float, loss: float) -> str:
    """Why a run diverged, and what to try: a smaller learning rate, with 2/λ_max of the loss Hessian quoted."""
    return (
        f"Diverged at step {step}: w={w:.4g}, b={b:.4g}, loss={loss:.4g} (a value became non-finite or "
        f"|w| or |b| passed {DIVERGENCE_BOUND:g}). Try a smaller learning rate than {config.learning_rate:g}; "
        f"for full-batch SGD on this data the largest stable learning rate is 2/λ_max = "
        f"{max_stable_learning_rate(x, config.loss):.4g}."
    )


def run_eager(x, y, indices, mask, state, optimizer, loss, learning_rate) -> ChunkResult:
    """The tutorial's loop: Variables, one GradientTape per step, assign_sub; logs w, b and loss each step."""
    loss_func = LOSS_FUNCTIONS[loss]
    rule = OPTIMIZER_RULES[optimizer].rule
    w = tf.Variable(state.params[0], dtype=tf.float32)
    b = tf.Variable(state.params[1], dtype=tf.float32)
    slots = tuple(tf.constant(row) for row in state.slots)
    iteration = state.iteration
    lr = tf.constant(learning_rate, dtype=tf.float32)
    per_sample = indices.shape[1] == 1
    w_trace, b_trace, loss_trace, slot_trace = [], [], [], []
    for step in range(indices.shape[0]):
        if per_sample:
            x_i, y_i = x[int(indices[step, 0])], y[int(indices[step, 0])]
            with tf.GradientTape() as tape:
                pred = w * x_i + b
                step_loss = loss_func(target=y_i, pred=pred)
        else:
            x_batch, y_batch = tf.gather(x, indices[step]), tf.gather(y, indices[step])
            weight = tf.constant(mask[step])
            with tf.GradientTape() as tape:
                pred = w * x_batch + b
                step_loss = tf.reduce_sum(loss_func(target=y_batch, pred=pred) * weight) / tf.reduce_sum(weight)
        gradients = tape.gradient(step_loss, [w, b])
        delta, slots = rule(tf.stack(gradients), slots, lr, tf.constant(iteration))
        w.assign_sub(delta[0])
        b.assign_sub(delta[1])
        iteration += 1
        w_trace.append(w.numpy())
        b_trace.append(b.numpy())
        loss_trace.append(step_loss.numpy())
        slot_trace.append(np.stack([s.numpy() for s in slots]) if slots else state.slots)
        if is_bad(w_trace[-1], b_trace[-1], loss_trace[-1]):
            break
    slot_array = np.stack([s.numpy() for s in slots]) if slots else state.slots
    params = np.array([w.numpy(), b.numpy()], dtype=np.float32)
    return ChunkResult(
        np.array(w_trace, np.float32),
        np.array(b_trace, np.float32),
        np.array(loss_trace, np.float32),
        OptimizerState(params, slot_array.astype(np.float32), iteration),
        np.array(slot_trace, np.float32).reshape(len(slot_trace), *state.slots.shape),
    )


@cache
def compiled_chunk(optimizer: str, loss: str) -> Callable:
    """One tf.function(jit_compile=True) per (optimizer, loss): traced once, XLA-compiled once per shape."""
    rule = OPTIMIZER_RULES[optimizer].rule
    loss_func = LOSS_FUNCTIONS[loss]
    n_slots = len(OPTIMIZER_RULES[optimizer].slot_inits)
    signature = [
        tf.TensorSpec([None], tf.float32),  # x
        tf.TensorSpec([None], tf.float32),  # y
        tf.TensorSpec([None, None], tf.int32),  # indices[capacity, batch]
        tf.TensorSpec([None, None], tf.float32),  # mask[capacity, batch]
        tf.TensorSpec([], tf.int32),  # steps to run (<= capacity)
        tf.TensorSpec([2], tf.float32),  # params [w, b]
        tf.TensorSpec([n_slots, 2], tf.float32),  # optimizer slots
        tf.TensorSpec([], tf.int32),  # optimizer iteration
        tf.TensorSpec([], tf.float32),  # learning rate
    ]

    @tf.function(input_signature=signature, jit_compile=True)
    def run_chunk(x, y, indices, mask, n_steps, params, slots, iteration, lr):
        capacity = tf.shape(indices)[0]
        w_rows = tf.TensorArray(tf.float32, size=capacity)
        b_rows = tf.TensorArray(tf.float32, size=capacity)
        loss_rows = tf.TensorArray(tf.float32, size=capacity)
        slot_rows = tf.TensorArray(tf.float32, size=capacity, element_shape=[n_slots, 2])
        done = tf.constant(0)
        # Loop over the static capacity and break after n_steps (n_steps >= 1): a tf.range(n_steps) loop would
        # make XLA treat n_steps as a compile-time constant and recompile for every new chunk length (100+ ms).
        for step in tf.range(capacity):
            x_batch = tf.gather(x, indices[step])
            y_batch = tf.gather(y, indices[step])
            weight = mask[step]
            with tf.GradientTape() as tape:
                tape.watch(params)
                pred = params[0] * x_batch + params[1]
                step_loss = tf.reduce_sum(loss_func(target=y_batch, pred=pred) * weight) / tf.reduce_sum(weight)
            gradient = tape.gradient(step_loss, params)
            slot_tuple = tuple(slots[i] for i in range(n_slots))
            delta, slot_tuple = rule(gradient, slot_tuple, lr, iteration)
            if n_slots:
                slots = tf.stack(slot_tuple)
            params = params - delta
            iteration += 1
            w_rows = w_rows.write(step, params[0])
            b_rows = b_rows.write(step, params[1])
            loss_rows = loss_rows.write(step, step_loss)
            slot_rows = slot_rows.write(step, slots)
            done = step + 1
            finite = tf.math.is_finite(step_loss) & tf.reduce_all(tf.abs(params) <= DIVERGENCE_BOUND)
            if not finite or done >= n_steps:
                break
        return done, params, slots, iteration, w_rows.stack(), b_rows.stack(), loss_rows.stack(), slot_rows.stack()

    return run_chunk


@cache
def compiled_call(optimizer: str, loss: str) -> Callable:
    """compiled_chunk's one concrete function (its signature fixes every input's type): calling it skips the
    tf.function's per-call dispatch (binding the arguments, looking up the trace), most of a small chunk's cost."""
    return compiled_chunk(optimizer, loss).get_concrete_function()


def chunk_capacity(n_steps: int) -> int:
    """Padded chunk length: the next power of two (at least 64), so XLA compiles only a few shapes."""
    return max(64, 1 << max(0, n_steps - 1).bit_length())


def steps_at_no_extra_cost(backend: str, n_steps: int) -> int:
    """How many steps one call for n_steps can run for the price of n_steps: the compiled call pays per call, not
    per step, up to its padded capacity; the eager loop pays per step."""
    return chunk_capacity(n_steps) if backend == "compiled" else n_steps


def run_compiled(x, y, indices, mask, state, optimizer, loss, learning_rate, capacity: int = 0) -> ChunkResult:
    """Run all planned steps inside one XLA-compiled call (padded to a power-of-two capacity, or to `capacity` if
    larger: the step inspector's replays use one capacity, so XLA compiles one shape for them)."""
    n_steps = indices.shape[0]
    capacity = max(chunk_capacity(n_steps), capacity)
    if capacity > n_steps:
        pad = capacity - n_steps
        indices = np.concatenate([indices, np.zeros((pad, indices.shape[1]), np.int32)])
        mask = np.concatenate([mask, np.ones((pad, mask.shape[1]), np.float32)])
    done, params, slots, iteration, w_rows, b_rows, loss_rows, slot_rows = compiled_call(optimizer, loss)(
        x,
        y,
        tf.constant(indices),
        tf.constant(mask),
        tf.constant(n_steps, tf.int32),
        tf.constant(state.params),
        tf.constant(state.slots),
        tf.constant(state.iteration, tf.int32),
        tf.constant(learning_rate, tf.float32),
    )
    done = int(done)
    return ChunkResult(
        w_rows.numpy()[:done],
        b_rows.numpy()[:done],
        loss_rows.numpy()[:done],
        OptimizerState(params.numpy(), slots.numpy(), int(iteration)),
        slot_rows.numpy()[:done],
    )


BACKENDS: dict[str, Backend] = {"eager": run_eager, "compiled": run_compiled}
