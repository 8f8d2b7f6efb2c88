"""Per-sample loss functions as TensorFlow ops, by name: mse (the tutorial's), mae and huber."""

from __future__ import annotations

from collections.abc import Callable

import tensorflow as tf

from core.regression.data import HUBER_DELTA

LossFn = Callable[[tf.Tensor, tf.Tensor], tf.Tensor]


def squared_error(target: tf.Tensor, pred: tf.Tensor) -> tf.Tensor:
    """The tutorial's loss_func: (target - pred) ** 2."""
    return (target - pred) ** 2


def absolute_error(target: tf.Tensor, pred: tf.Tensor) -> tf.Tensor:
    """|target - pred|."""
    return tf.abs(target - pred)


def huber(target: tf.Tensor, pred: tf.Tensor) -> tf.Tensor:
    """Quadratic within HUBER_DELTA of the target, linear outside (as tf.keras.losses.Huber)."""
    error = tf.abs(target - pred)
    quadratic = 0.5 * error**2
    linear = HUBER_DELTA * error - 0.5 * HUBER_DELTA**2
    return tf.where(error <= HUBER_DELTA, quadratic, linear)


LOSS_FUNCTIONS: dict[str, LossFn] = {"mse": squared_error, "mae": absolute_error, "huber": huber}
