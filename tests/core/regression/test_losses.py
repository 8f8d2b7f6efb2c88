"""core.regression.losses: mse, mae and huber as TF ops, against tf.keras.losses and the NumPy mirror in data."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from core.regression.data import pointwise_loss
from core.regression.fields import LOSSES
from core.regression.losses import LOSS_FUNCTIONS

TARGET = tf.constant([0.0, 1.0, -2.0, 3.0, 0.5, 10.0])
PRED = tf.constant([0.3, -0.5, -2.0, 0.0, 1.4, 9.0])
KERAS = {
    "mse": tf.keras.losses.MeanSquaredError(reduction="none"),
    "mae": tf.keras.losses.MeanAbsoluteError(reduction="none"),
    "huber": tf.keras.losses.Huber(delta=1.0, reduction="none"),
}


def test_every_configurable_loss_has_a_function() -> None:
    assert tuple(LOSS_FUNCTIONS) == LOSSES


@pytest.mark.parametrize("name", LOSSES)
def test_each_loss_matches_tf_keras_per_sample(name: str) -> None:
    ours = LOSS_FUNCTIONS[name](target=TARGET, pred=PRED)
    theirs = KERAS[name](TARGET[:, None], PRED[:, None])  # Keras averages over the last axis: one sample per row
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    mirror = pointwise_loss((TARGET - PRED).numpy().astype(np.float64), name)
    np.testing.assert_allclose(ours.numpy(), mirror, rtol=1e-6)


@pytest.mark.parametrize("name", LOSSES)
def test_each_losss_gradient_matches_tf_keras(name: str) -> None:
    pred = tf.Variable(PRED)
    with tf.GradientTape(persistent=True) as tape:
        ours = tf.reduce_sum(LOSS_FUNCTIONS[name](target=TARGET, pred=pred))
        theirs = tf.reduce_sum(KERAS[name](TARGET[:, None], pred[:, None]))
    np.testing.assert_allclose(tape.gradient(ours, pred).numpy(), tape.gradient(theirs, pred).numpy(), rtol=1e-6)


def test_mse_is_the_tutorials_loss_func() -> None:
    assert LOSS_FUNCTIONS["mse"](target=tf.constant(3.0), pred=tf.constant(1.0)).numpy() == 4.0
