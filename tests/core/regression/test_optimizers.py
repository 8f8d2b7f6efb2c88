"""core.regression.optimizers: each pure update rule reproduces its tf.keras optimizer step by step."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from core.regression.fields import OPTIMIZERS
from core.regression.optimizers import OPTIMIZER_RULES, keras_optimizer

GRADIENTS = (np.random.default_rng(0).normal(size=(25, 2)) * [[3.0, 0.2]]).astype(np.float32)


def run_rule(name: str, lr: float) -> np.ndarray:
    """[w, b] after each step of the rule, started at [1, -1] with its slot initial values."""
    rule, inits = OPTIMIZER_RULES[name]
    params = tf.constant([1.0, -1.0])
    slots = tuple(tf.fill([2], value) for value in inits)
    rows = []
    for iteration, gradient in enumerate(GRADIENTS):
        delta, slots = rule(tf.constant(gradient), slots, tf.constant(lr), tf.constant(iteration))
        params = params - delta
        rows.append(params.numpy())
    return np.array(rows)


def run_keras(name: str, lr: float) -> np.ndarray:
    variable = tf.Variable([1.0, -1.0])
    optimizer = keras_optimizer(name, lr)
    rows = []
    for gradient in GRADIENTS:
        optimizer.apply_gradients([(tf.constant(gradient), variable)])
        rows.append(variable.numpy())
    return np.array(rows)


def test_every_configurable_optimizer_has_a_rule() -> None:
    assert tuple(OPTIMIZER_RULES) == OPTIMIZERS


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("lr", [0.01, 0.3])
def test_each_rule_matches_tf_keras(name: str, lr: float) -> None:
    np.testing.assert_allclose(run_rule(name, lr), run_keras(name, lr), rtol=1e-5, atol=1e-6)


def test_sgd_is_the_tutorials_assign_sub() -> None:
    delta, slots = OPTIMIZER_RULES["sgd"].rule(tf.constant([2.0, -4.0]), (), tf.constant(0.5), tf.constant(0))
    assert delta.numpy().tolist() == [1.0, -2.0] and slots == ()


def test_the_rules_differ_from_each_other() -> None:
    finals = {name: tuple(run_rule(name, 0.1)[-1]) for name in OPTIMIZERS}
    assert len(set(finals.values())) == len(OPTIMIZERS)
