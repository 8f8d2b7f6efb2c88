"""Optimizer update rules as pure TensorFlow functions, by name, matching tf.keras.optimizers' formulas.

Each rule maps (gradient, slots, learning_rate, iteration) to (delta, new slots); the parameter update is
always ``param.assign_sub(delta)``, as in the tutorial. Parameters are the vector [w, b].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import tensorflow as tf

MOMENTUM = 0.9
RMSPROP_RHO = 0.9
ADAM_BETA_1 = 0.9
ADAM_BETA_2 = 0.999
EPSILON = 1e-7
ADAGRAD_INITIAL_ACCUMULATOR = 0.1

Slots = tuple[tf.Tensor, ...]
Rule = Callable[[tf.Tensor, Slots, tf.Tensor, tf.Tensor], tuple[tf.Tensor, Slots]]


class Optimizer(NamedTuple):
    """An update rule and the initial values of its slots (one per parameter)."""

    rule: Rule
    slot_inits: tuple[float, ...]


def sgd(gradient: tf.Tensor, slots: Slots, lr: tf.Tensor, iteration: tf.Tensor) -> tuple[tf.Tensor, Slots]:
    """Plain SGD: delta = lr·g."""
    return lr * gradient, slots


def momentum(gradient: tf.Tensor, slots: Slots, lr: tf.Tensor, iteration: tf.Tensor) -> tuple[tf.Tensor, Slots]:
    """Heavy-ball momentum: m = 0.9·m - lr·g; param += m."""
    (velocity,) = slots
    velocity = velocity * MOMENTUM - gradient * lr
    return -velocity, (velocity,)


def nesterov(gradient: tf.Tensor, slots: Slots, lr: tf.Tensor, iteration: tf.Tensor) -> tuple[tf.Tensor, Slots]:
    """Nesterov momentum: m = 0.9·m - lr·g; param += 0.9·m - lr·g."""
    (velocity,) = slots
    velocity = velocity * MOMENTUM - gradient * lr
    return -(velocity * MOMENTUM - gradient * lr), (velocity,)


def rmsprop(gradient: tf.Tensor, slots: Slots, lr: tf.Tensor, iteration: tf.Tensor) -> tuple[tf.Tensor, Slots]:
    """RMSprop: v = ρ·v + (1-ρ)·g²; delta = lr·g / sqrt(v + ε)."""
    (velocity,) = slots
    velocity = RMSPROP_RHO * velocity + (1 - RMSPROP_RHO) * tf.square(gradient)
    return (lr * gradient) / tf.sqrt(velocity + EPSILON), (velocity,)


def adam(gradient: tf.Tensor, slots: Slots, lr: tf.Tensor, iteration: tf.Tensor) -> tuple[tf.Tensor, Slots]:
    """Adam with bias correction folded into the step size, as Keras does."""
    first, second = slots
    local_step = tf.cast(iteration + 1, gradient.dtype)
    beta_1_power = tf.pow(tf.constant(ADAM_BETA_1, gradient.dtype), local_step)
    beta_2_power = tf.pow(tf.constant(ADAM_BETA_2, gradient.dtype), local_step)
    alpha = lr * tf.sqrt(1 - beta_2_power) / (1 - beta_1_power)
    first = first + (gradient - first) * (1 - ADAM_BETA_1)
    second = second + (tf.square(gradient) - second) * (1 - ADAM_BETA_2)
    return (first * alpha) / (tf.sqrt(second) + EPSILON), (first, second)


def adagrad(gradient: tf.Tensor, slots: Slots, lr: tf.Tensor, iteration: tf.Tensor) -> tuple[tf.Tensor, Slots]:
    """Adagrad: acc += g²; delta = lr·g / sqrt(acc + ε)."""
    (accumulator,) = slots
    accumulator = accumulator + tf.square(gradient)
    return (lr * gradient) / tf.sqrt(accumulator + EPSILON), (accumulator,)


OPTIMIZER_RULES: dict[str, Optimizer] = {
    "sgd": Optimizer(sgd, ()),
    "momentum": Optimizer(momentum, (0.0,)),
    "nesterov": Optimizer(nesterov, (0.0,)),
    "rmsprop": Optimizer(rmsprop, (0.0,)),
    "adam": Optimizer(adam, (0.0, 0.0)),
    "adagrad": Optimizer(adagrad, (ADAGRAD_INITIAL_ACCUMULATOR,)),
}


def keras_optimizer(name: str, learning_rate: float) -> tf.keras.optimizers.Optimizer:
    """The tf.keras optimizer that each rule reproduces (used by tests and the exported script)."""
    optimizers = tf.keras.optimizers
    return {
        "sgd": lambda: optimizers.SGD(learning_rate),
        "momentum": lambda: optimizers.SGD(learning_rate, momentum=MOMENTUM),
        "nesterov": lambda: optimizers.SGD(learning_rate, momentum=MOMENTUM, nesterov=True),
        "rmsprop": lambda: optimizers.RMSprop(learning_rate, rho=RMSPROP_RHO, epsilon=EPSILON),
        "adam": lambda: optimizers.Adam(learning_rate, ADAM_BETA_1, ADAM_BETA_2, epsilon=EPSILON),
        "adagrad": lambda: optimizers.Adagrad(
            learning_rate, initial_accumulator_value=ADAGRAD_INITIAL_ACCUMULATOR, epsilon=EPSILON
        ),
    }[name]()
