"""Replay one step of a run exactly, from the checkpoint before it: the sample, forward pass, tape gradients, update.

The replay runs the steps from the last checkpoint up to k − 1 on the run's own backend (so the optimizer's
slots are the run's, bit for bit), then step k twice from that state: once on the run's backend, which gives
w, b and the slots after it exactly as the trace holds them, and once as the tutorial's loop body under a
GradientTape, which gives the prediction, the loss and the gradients to show.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from core.regression.backends import BACKENDS, OptimizerState
from core.regression.config import ConfigError
from core.regression.data import make_data
from core.regression.losses import LOSS_FUNCTIONS
from core.regression.optimizers import OPTIMIZER_RULES
from core.regression.schedule import plan_steps
from core.regression.step_checkpoints import Checkpoint, replay_capacity
from core.regression.step_closed_form import CLOSED_FORM_TEXT, closed_form_gradient
from core.regression.step_compiling import wait_for_warmup
from core.regression.step_text import SLOT_NAMES, loop_body, start_note, update_lines

SHOWN_ROWS = 3  # a mini-batch shows its first rows, then "…"
PARAM_OF_FIELD = {"w_init": "w", "b_init": "b"}  # the settings that set a parameter mid-run


def inspect_step(trainer: Any, step: int) -> dict[str, Any]:
    """The record of update step `step` (1 to steps done) of trainer's run, as plain numbers and text."""
    done = trainer.steps_done
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not 1 <= step <= done:
        allowed = f"must be a whole number from 1 to {done:,} (the steps done)" if done else "no step is done yet"
        raise ConfigError("step", step, allowed)
    step = int(step)
    try:
        checkpoint = trainer.checkpoints.before(step - 1)
    except LookupError:  # its chunks never noted their start (Trainer's and a race lane's chunks do)
        allowed = "this run kept no replay checkpoint before it"
        raise ConfigError("step", step, allowed) from None
    config = checkpoint.config
    x, y = _data_for(trainer, checkpoint)
    wait_for_warmup(config, checkpoint.backend, int(x.shape[0]))  # never compile beside a warm-up of this shape
    plan = plan_steps(
        config.n_samples,
        config.batch_size,
        config.seed,
        config.shuffle,
        config.epochs,
        checkpoint.position,
        step - checkpoint.step,
    )
    state = _state_before(trainer, checkpoint, x, y, plan, step)
    after = replay_chunk(checkpoint.backend, x, y, plan.indices[-1:], plan.mask[-1:], state, config)
    taped = tape_step(x, y, plan.indices[-1], plan.mask[-1], state, config.loss)
    record = _record(step, int(plan.epochs[-1]), config, state, after, taped)
    record.update(trace_before(trainer, step))
    record["start_note"] = start_note(record)
    return record


def params_set_at(trainer: Any, step: int) -> dict[str, float]:
    """The parameters a mid-run Initial w or b change set after `step` updates: {"w": the value set}, say."""
    return {
        PARAM_OF_FIELD[event.field]: float(event.new)
        for event in trainer.events
        if event.step == step and event.field in PARAM_OF_FIELD
    }


def trace_before(trainer: Any, step: int) -> dict[str, Any]:
    """The trace at step − 1, and which of w and b step `step` did not start from there because they were set.

    A new Initial w (or b) mid-run sets w from the next step on: that step starts from the value set, so its
    w_before is that value and the trace at step − 1 (which holds w as the step before left it) differs.
    """
    return {
        "w_trace_before": float(trainer.trace_column("w")[step - 1]),
        "b_trace_before": float(trainer.trace_column("b")[step - 1]),
        "set_before": params_set_at(trainer, step - 1),
    }


def _data_for(trainer: Any, checkpoint: Checkpoint) -> tuple[tf.Tensor, tf.Tensor]:
    """The samples in use at the checkpoint: the trainer's own, or drawn again if the data changed since."""
    from core.regression.trainer import data_settings

    if data_settings(checkpoint.config) == trainer._data_config:
        return trainer._x_tf, trainer._y_tf
    x, y = make_data(checkpoint.config, getattr(trainer, "_datasets", None))
    return tf.constant(x), tf.constant(y)


def _state_before(trainer: Any, checkpoint: Checkpoint, x: tf.Tensor, y: tf.Tensor, plan: Any, step: int):
    """The optimizer state after step − 1: replayed from the checkpoint on the run's backend when it has slots."""
    between = step - 1 - checkpoint.step
    if between == 0:
        return checkpoint.state
    config = checkpoint.config
    if not OPTIMIZER_RULES[config.optimizer].slot_inits:  # nothing but w and b, which the trace holds
        w, b = trainer.trace_column("w")[step - 1], trainer.trace_column("b")[step - 1]
        params = np.array([w, b], dtype=np.float32)
        return OptimizerState(params, checkpoint.state.slots, checkpoint.state.iteration + between)
    return replay_chunk(checkpoint.backend, x, y, plan.indices[:-1], plan.mask[:-1], checkpoint.state, config).state


def replay_chunk(
    backend: str, x: tf.Tensor, y: tf.Tensor, indices: np.ndarray, mask: np.ndarray, state: OptimizerState, config
) -> Any:
    """Planned steps on the run's backend; compiled replays all run at the run's one replay capacity."""
    args = (x, y, indices, mask, state, config.optimizer, config.loss, config.learning_rate)
    if backend == "compiled":
        return BACKENDS[backend](*args, capacity=replay_capacity(backend, config.batch_size))
    return BACKENDS[backend](*args)


def tape_step(x: tf.Tensor, y: tf.Tensor, batch: np.ndarray, weight: np.ndarray, state: OptimizerState, loss: str):
    """Step k's forward pass and gradients as the tutorial's loop body computes them, under a GradientTape."""
    loss_func = LOSS_FUNCTIONS[loss]
    w = tf.Variable(state.params[0], dtype=tf.float32)
    b = tf.Variable(state.params[1], dtype=tf.float32)
    if len(batch) == 1:  # per sample, exactly as the tutorial (and run_eager) writes it
        x_step, y_step = x[int(batch[0])], y[int(batch[0])]
        with tf.GradientTape() as tape:
            pred = w * x_step + b
            step_loss = loss_func(target=y_step, pred=pred)
    else:
        x_step, y_step = tf.gather(x, batch), tf.gather(y, batch)
        mask = tf.constant(weight)
        with tf.GradientTape() as tape:
            pred = w * x_step + b
            step_loss = tf.reduce_sum(loss_func(target=y_step, pred=pred) * mask) / tf.reduce_sum(mask)
    gradients = tape.gradient(step_loss, [w, b])
    return {
        "index": np.asarray(batch),
        "weight": np.asarray(weight),
        "x": np.atleast_1d(np.asarray(x_step)),
        "y": np.atleast_1d(np.asarray(y_step)),
        "prediction": np.atleast_1d(pred.numpy()),
        "loss": float(step_loss.numpy()),
        "grad_w": float(gradients[0].numpy()),
        "grad_b": float(gradients[1].numpy()),
    }


def _slots(optimizer: str, slots: np.ndarray) -> dict[str, list[float]]:
    """Each slot by name, as [for w, for b]."""
    return {name: [float(row[0]), float(row[1])] for name, row in zip(SLOT_NAMES[optimizer], slots)}


def _shown(values: np.ndarray, real: np.ndarray, kind: type = float) -> Any:
    """One number for a single sample; a mini-batch's first real rows."""
    values = values[real]
    return kind(values[0]) if len(values) == 1 else [kind(v) for v in values[:SHOWN_ROWS]]


def _record(step: int, epoch: int, config: Any, before: OptimizerState, after: Any, taped: dict) -> dict:
    """The step's numbers under the keys the CLI and the pages read, with the update rule and loop body as text."""
    real = taped["weight"] > 0  # a short last batch is padded with masked rows
    closed = closed_form_gradient(taped["x"], taped["y"], taped["prediction"], taped["weight"], config.loss)
    record = {
        "step": step,
        "epoch": epoch,
        "optimizer": config.optimizer,
        "loss_name": config.loss,
        "learning_rate": config.learning_rate,
        "batch_size": int(real.sum()),
        "index": _shown(taped["index"], real, int),
        "x": _shown(taped["x"], real),
        "y": _shown(taped["y"], real),
        "prediction": _shown(taped["prediction"], real),
        "loss": taped["loss"],
        "trace_loss": float(after.loss[0]) if len(after.loss) else float("nan"),
        "grad_w": taped["grad_w"],
        "grad_b": taped["grad_b"],
        "grad_w_closed_form": closed[0],
        "grad_b_closed_form": closed[1],
        "closed_form_text": list(CLOSED_FORM_TEXT[config.loss]),
        "w_before": float(before.params[0]),
        "b_before": float(before.params[1]),
        "w_after": float(after.w[0]) if len(after.w) else float(after.state.params[0]),
        "b_after": float(after.b[0]) if len(after.b) else float(after.state.params[1]),
        "iteration_before": int(before.iteration),
        "slots_before": _slots(config.optimizer, before.slots),
        "slots_after": _slots(config.optimizer, after.state.slots),
    }
    record["update"] = update_lines(record)
    record["code"] = loop_body(record)
    return record
