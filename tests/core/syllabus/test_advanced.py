"""Syllabus cards, part 3: higher-order gradients, jacobians and custom gradients against direct TF."""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from syllabus_helpers import close, ok


def test_higher_order_matches_nested_tapes_and_calculus() -> None:
    result = ok("higher_order", {"x": 2.0, "power": 4})
    assert result["gradients"] == {"dy_dx": 32.0, "d2y_dx2": 48.0}
    linear = ok("higher_order", {"x": 2.0, "power": 1})
    x = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x**1
        first = inner.gradient(y, x)
    assert close(linear["gradients"]["d2y_dx2"], outer.gradient(first, x))
    assert f"d²y/dx² = {linear['gradients']['d2y_dx2']:.4g}" in linear["explanation"]


def test_jacobians_match_direct_tf() -> None:
    inputs = {"x": [0.5, -1.0], "w": [[1.0, 2.0], [3.0, -4.0], [0.0, 1.0]]}
    result = ok("jacobian", inputs)
    x, w = tf.Variable(inputs["x"]), tf.constant(inputs["w"])
    with tf.GradientTape() as tape:
        y = tf.nn.sigmoid(tf.linalg.matvec(w, x))
    assert close(result["gradients"]["j"], tape.jacobian(y, x))
    batch = {"x": [[1.0, 0.0], [0.2, 0.3]], "w": [[0.5, -0.5, 1.0], [0.1, 0.2, 0.3]]}
    result = ok("batch_jacobian", batch)
    x, w = tf.Variable(batch["x"]), tf.constant(batch["w"])
    with tf.GradientTape() as tape:
        y = tf.tanh(tf.matmul(x, w))
    assert close(result["gradients"]["bj"], tape.batch_jacobian(y, x))
    assert np.shape(result["gradients"]["j"]) == (2, 3, 2, 2)


def test_custom_gradient_clips_the_norm_like_clip_by_norm() -> None:
    result = ok("custom_gradient", {"x": [3.0, 4.0], "clip_norm": 2.0, "scale": 1.0})
    assert close(result["gradients"]["unclipped"], tf.constant([6.0, 8.0]))
    assert close(result["gradients"]["clipped"], tf.clip_by_norm(tf.constant([6.0, 8.0]), 2.0))
    assert "scaled it to norm 2" in result["explanation"]
    unclipped = ok("custom_gradient", {"x": [3.0, 4.0], "clip_norm": 100.0, "scale": 1.0})
    assert unclipped["gradients"]["clipped"] == unclipped["gradients"]["unclipped"]


def test_the_jacobian_explanations_check_the_sum_and_the_blocks() -> None:
    assert "(equal)" in ok("jacobian")["explanation"]
    assert "equal to the full jacobian's blocks" in ok("batch_jacobian")["explanation"]
