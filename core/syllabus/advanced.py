"""Syllabus cards, part 3: higher-order gradients, jacobians and custom gradients."""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from core.syllabus.card import Card, Field, plain, show

# Higher-order gradients -----------------------------------------------------------------------------------------


def higher_order(x: float, power: int) -> dict[str, object]:
    """Nested tapes: the outer tape records the inner tape's gradient computation, giving d²y/dx²."""
    x = tf.Variable(x)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x**power
        dy_dx = inner.gradient(y, x)
    d2y_dx2 = outer.gradient(dy_dx, x)
    return {"x": x, "y": y, "dy_dx": dy_dx, "d2y_dx2": d2y_dx2}


def explain_higher_order(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """Both derivatives against calculus, or why the second one is None."""
    value, power = inputs["x"], inputs["power"]
    dy_dx, d2y_dx2 = plain(results["dy_dx"]), plain(results["d2y_dx2"])
    calculus = (power * value ** (power - 1), power * (power - 1) * value ** (power - 2) if power >= 2 else 0.0)
    first = f"dy/dx = {show(dy_dx)} (calculus: {power}·x^{power - 1} = {show(calculus[0])})"
    if d2y_dx2 is None:
        second = (
            "d²y/dx² is None: the first derivative does not depend on x, so the outer tape recorded nothing "
            "that connects it to x (pass unconnected_gradients=ZERO to get 0)"
        )
    else:
        second = f"d²y/dx² = {show(d2y_dx2)} (calculus: {show(calculus[1])})"
    return (
        f"The inner tape recorded y = x**{power}; the outer tape recorded the inner tape's gradient computation. "
        f"{first}; {second}."
    )


# Jacobians ------------------------------------------------------------------------------------------------------


def jacobian(x: list[float], w: list[list[float]]) -> dict[str, object]:
    """tape.jacobian gives every output's gradient; tape.gradient gives their sum."""
    x = tf.Variable(x)
    w = tf.constant(w)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.nn.sigmoid(tf.linalg.matvec(w, x))
    j = tape.jacobian(y, x)
    g = tape.gradient(y, x)
    del tape
    return {"x": x, "w": w, "y": y, "j": j, "g": g}


def explain_jacobian(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """The jacobian's rows, and their sum against tape.gradient."""
    j, g = results["j"], results["g"]
    summed = np.sum(j.numpy(), axis=0)
    return (
        f"tape.jacobian(y, x) has shape {list(j.shape)}: row i is the gradient of y[i] with respect to x. "
        f"tape.gradient(y, x) = {show(plain(g))} is the sum of those rows, {show(summed.tolist())} "
        f"({'equal' if np.allclose(summed, g.numpy()) else 'different'})."
    )


def batch_jacobian(x: list[list[float]], w: list[list[float]]) -> dict[str, object]:
    """When each example's output depends only on that example, batch_jacobian keeps just the diagonal blocks."""
    x = tf.Variable(x)
    w = tf.constant(w)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.tanh(tf.matmul(x, w))
    bj = tape.batch_jacobian(y, x)
    j = tape.jacobian(y, x)
    del tape
    return {"x": x, "w": w, "y": y, "bj": bj, "j": j}


def explain_batch_jacobian(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """The full jacobian's off-diagonal blocks are zero, and its diagonal blocks are the batch jacobian."""
    bj, j = results["bj"], results["j"]
    full = j.numpy()
    batch = full.shape[0]
    blocks = np.stack([full[b, :, b, :] for b in range(batch)])
    off = full.copy()
    for b in range(batch):
        off[b, :, b, :] = 0.0
    return (
        f"tape.jacobian(y, x) has shape {list(j.shape)} and is zero wherever the two batch indices differ "
        f"(largest off-block entry {float(np.max(np.abs(off), initial=0.0)):.3g}). "
        f"tape.batch_jacobian(y, x) keeps only the diagonal blocks: shape {list(bj.shape)}, "
        f"{'equal to' if np.allclose(blocks, bj.numpy()) else 'different from'} the full jacobian's blocks."
    )


# Custom gradients -----------------------------------------------------------------------------------------------


@tf.custom_gradient
def clip_gradient_norm(y: tf.Tensor, clip_norm: tf.Tensor) -> tuple[tf.Tensor, object]:
    """Identity going forward; going backward, the incoming gradient is clipped to norm clip_norm."""

    def backward(dy: tf.Tensor) -> tuple[tf.Tensor, None]:
        return tf.clip_by_norm(dy, clip_norm), None

    return tf.identity(y), backward


def custom_gradient(x: list[float], clip_norm: float, scale: float) -> dict[str, object]:
    """tf.custom_gradient replaces an op's backward pass: here it clips the gradient's norm."""
    x = tf.Variable(x)
    clip_norm = tf.constant(clip_norm)
    with tf.GradientTape(persistent=True) as tape:
        y = clip_gradient_norm(x, clip_norm)
        loss = tf.reduce_sum(scale * y**2)
        plain_loss = tf.reduce_sum(scale * x**2)
    clipped = tape.gradient(loss, x)
    unclipped = tape.gradient(plain_loss, x)
    del tape
    return {"x": x, "loss": loss, "plain_loss": plain_loss, "clipped": clipped, "unclipped": unclipped}


def explain_custom_gradient(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """The gradient with and without the custom backward pass, and whether it was clipped."""
    clipped, unclipped = results["clipped"], results["unclipped"]
    before, after = float(tf.norm(unclipped)), float(tf.norm(clipped))
    if before > inputs["clip_norm"]:
        story = f"its norm {before:.4g} is above clip_norm, so the custom backward pass scaled it to norm {after:.4g}"
    else:
        story = f"its norm {before:.4g} is within clip_norm, so the custom backward pass let it through unchanged"
    return (
        f"The forward values are the same (loss = {show(plain(results['loss']))}). Without the custom gradient "
        f"dloss/dx = {show(plain(unclipped))}; {story}: {show(plain(clipped))}."
    )


def _matvec_shapes(values: dict[str, Any]) -> str | None:
    if len(values["w"][0]) != len(values["x"]):
        return "w must have one column per element of x"
    return None


def _matmul_shapes(values: dict[str, Any]) -> str | None:
    if len(values["x"][0]) != len(values["w"]):
        return "w must have one row per column of x"
    return None


CARDS: tuple[Card, ...] = (
    Card(
        "higher_order",
        "Higher-order gradients with nested tapes",
        {"x": Field("number", 3.0), "power": Field("whole", 3, "y = x ** power", low=1, high=6)},
        higher_order,
        explain_higher_order,
        gradients=("dy_dx", "d2y_dx2"),
    ),
    Card(
        "jacobian",
        "tape.jacobian: one gradient per output",
        {"x": Field("vector", [1.0, 2.0]), "w": Field("matrix", [[1.0, -1.0], [0.5, 0.5], [2.0, 0.0]])},
        jacobian,
        explain_jacobian,
        gradients=("j", "g"),
        check=_matvec_shapes,
    ),
    Card(
        "batch_jacobian",
        "tape.batch_jacobian: per-example jacobians",
        {"x": Field("matrix", [[1.0, 2.0], [0.5, -1.0], [0.0, 0.3]]), "w": Field("matrix", [[0.1, 0.2], [0.3, -0.4]])},
        batch_jacobian,
        explain_batch_jacobian,
        gradients=("bj", "j"),
        check=_matmul_shapes,
    ),
    Card(
        "custom_gradient",
        "tf.custom_gradient: clipping the gradient norm",
        {
            "x": Field("vector", [3.0, 4.0]),
            "clip_norm": Field("positive", 1.0),
            "scale": Field("number", 10.0, "loss = sum(scale * y**2)"),
        },
        custom_gradient,
        explain_custom_gradient,
        gradients=("clipped", "unclipped"),
    ),
)
