"""Syllabus cards, part 3: higher-order gradients, jacobians and custom gradients."""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from core.syllabus.card import Card, CardResult, Field, plain, show

HEADER = "import tensorflow as tf\n\n"


@tf.custom_gradient
def clip_gradient_norm(y: tf.Tensor, clip_norm: tf.Tensor) -> tuple[tf.Tensor, Any]:
    """Identity going forward; going backward, the incoming gradient is clipped to norm clip_norm."""

    def backward(dy: tf.Tensor) -> tuple[tf.Tensor, None]:
        return tf.clip_by_norm(dy, clip_norm), None

    return tf.identity(y), backward


# Higher-order gradients -----------------------------------------------------------------------------------------


def higher_order(inputs: dict[str, Any]) -> CardResult:
    """Nested tapes: the outer tape records the inner tape's gradient computation, giving d²y/dx²."""
    x = tf.Variable(inputs["x"])
    power = inputs["power"]
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x**power
        dy_dx = inner.gradient(y, x)
    d2y_dx2 = outer.gradient(dy_dx, x)
    result = CardResult(values={"x": plain(x), "y": plain(y)})
    result.gradients = {"dy_dx": plain(dy_dx), "d2y_dx2": plain(d2y_dx2)}
    value = inputs["x"]
    calculus = (power * value ** (power - 1), power * (power - 1) * value ** (power - 2) if power >= 2 else 0.0)
    first = f"dy/dx = {show(plain(dy_dx))} (calculus: {power}·x^{power - 1} = {show(calculus[0])})"
    if d2y_dx2 is None:
        second = (
            "d²y/dx² is None: the first derivative does not depend on x, so the outer tape recorded nothing "
            "that connects it to x (pass unconnected_gradients=ZERO to get 0)"
        )
    else:
        second = f"d²y/dx² = {show(plain(d2y_dx2))} (calculus: {show(calculus[1])})"
    result.explanation = (
        f"The inner tape recorded y = x**{power}; the outer tape recorded the inner tape's gradient computation. "
        f"{first}; {second}."
    )
    return result


def higher_order_code(inputs: dict[str, Any]) -> str:
    """The code higher_order() runs."""
    return (
        f"{HEADER}x = tf.Variable({inputs['x']!r})\n\nwith tf.GradientTape() as outer:\n"
        f"    with tf.GradientTape() as inner:\n        y = x**{inputs['power']}\n    dy_dx = inner.gradient(y, x)\n"
        "d2y_dx2 = outer.gradient(dy_dx, x)\nprint(dy_dx, d2y_dx2)\n"
    )


# Jacobians ------------------------------------------------------------------------------------------------------


def jacobian(inputs: dict[str, Any]) -> CardResult:
    """tape.jacobian gives every output's gradient; tape.gradient gives their sum."""
    x = tf.Variable(inputs["x"])
    w = tf.constant(inputs["w"])
    with tf.GradientTape(persistent=True) as tape:
        y = tf.nn.sigmoid(tf.linalg.matvec(w, x))
    j = tape.jacobian(y, x)
    g = tape.gradient(y, x)
    del tape
    result = CardResult(values={"x": plain(x), "w": plain(w), "y": plain(y)}, gradients={"j": plain(j), "g": plain(g)})
    summed = np.sum(j.numpy(), axis=0)
    result.explanation = (
        f"tape.jacobian(y, x) has shape {list(j.shape)}: row i is the gradient of y[i] with respect to x. "
        f"tape.gradient(y, x) = {show(plain(g))} is the sum of those rows, {show(summed.tolist())} "
        f"({'equal' if np.allclose(summed, g.numpy()) else 'different'})."
    )
    return result


def jacobian_code(inputs: dict[str, Any]) -> str:
    """The code jacobian() runs."""
    return (
        f"{HEADER}x = tf.Variable({inputs['x']!r})\nw = tf.constant({inputs['w']!r})\n\n"
        "with tf.GradientTape(persistent=True) as tape:\n    y = tf.nn.sigmoid(tf.linalg.matvec(w, x))\n\n"
        "j = tape.jacobian(y, x)\ng = tape.gradient(y, x)\ndel tape\nprint(j, g)\n"
    )


def batch_jacobian(inputs: dict[str, Any]) -> CardResult:
    """When each example's output depends only on that example, batch_jacobian keeps just the diagonal blocks."""
    x = tf.Variable(inputs["x"])
    w = tf.constant(inputs["w"])
    with tf.GradientTape(persistent=True) as tape:
        y = tf.tanh(tf.matmul(x, w))
    bj = tape.batch_jacobian(y, x)
    j = tape.jacobian(y, x)
    del tape
    result = CardResult(
        values={"x": plain(x), "w": plain(w), "y": plain(y)}, gradients={"bj": plain(bj), "j": plain(j)}
    )
    full = j.numpy()
    batch = full.shape[0]
    blocks = np.stack([full[b, :, b, :] for b in range(batch)])
    off = full.copy()
    for b in range(batch):
        off[b, :, b, :] = 0.0
    result.explanation = (
        f"tape.jacobian(y, x) has shape {list(j.shape)} and is zero wherever the two batch indices differ "
        f"(largest off-block entry {float(np.max(np.abs(off), initial=0.0)):.3g}). "
        f"tape.batch_jacobian(y, x) keeps only the diagonal blocks: shape {list(bj.shape)}, "
        f"{'equal to' if np.allclose(blocks, bj.numpy()) else 'different from'} the full jacobian's blocks."
    )
    return result


def batch_jacobian_code(inputs: dict[str, Any]) -> str:
    """The code batch_jacobian() runs."""
    return (
        f"{HEADER}x = tf.Variable({inputs['x']!r})\nw = tf.constant({inputs['w']!r})\n\n"
        "with tf.GradientTape(persistent=True) as tape:\n    y = tf.tanh(tf.matmul(x, w))\n\n"
        "bj = tape.batch_jacobian(y, x)\nj = tape.jacobian(y, x)\ndel tape\nprint(bj.shape, j.shape)\n"
    )


# Custom gradients -----------------------------------------------------------------------------------------------


def custom_gradient(inputs: dict[str, Any]) -> CardResult:
    """tf.custom_gradient replaces an op's backward pass: here it clips the gradient's norm."""
    x = tf.Variable(inputs["x"])
    clip_norm = tf.constant(inputs["clip_norm"])
    with tf.GradientTape(persistent=True) as tape:
        y = clip_gradient_norm(x, clip_norm)
        loss = tf.reduce_sum(inputs["scale"] * y**2)
        plain_loss = tf.reduce_sum(inputs["scale"] * x**2)
    clipped = tape.gradient(loss, x)
    unclipped = tape.gradient(plain_loss, x)
    del tape
    result = CardResult(values={"x": plain(x), "loss": plain(loss), "plain_loss": plain(plain_loss)})
    result.gradients = {"clipped": plain(clipped), "unclipped": plain(unclipped)}
    before, after = float(tf.norm(unclipped)), float(tf.norm(clipped))
    if before > inputs["clip_norm"]:
        story = f"its norm {before:.4g} is above clip_norm, so the custom backward pass scaled it to norm {after:.4g}"
    else:
        story = f"its norm {before:.4g} is within clip_norm, so the custom backward pass let it through unchanged"
    result.explanation = (
        f"The forward values are the same (loss = {show(plain(loss))}). Without the custom gradient dloss/dx = "
        f"{show(plain(unclipped))}; {story}: {show(plain(clipped))}."
    )
    return result


def custom_gradient_code(inputs: dict[str, Any]) -> str:
    """The code custom_gradient() runs."""
    return (
        f"{HEADER}@tf.custom_gradient\ndef clip_gradient_norm(y, clip_norm):\n    def backward(dy):\n"
        "        return tf.clip_by_norm(dy, clip_norm), None\n\n    return tf.identity(y), backward\n\n\n"
        f"x = tf.Variable({inputs['x']!r})\nclip_norm = tf.constant({inputs['clip_norm']!r})\n\n"
        "with tf.GradientTape(persistent=True) as tape:\n    y = clip_gradient_norm(x, clip_norm)\n"
        f"    loss = tf.reduce_sum({inputs['scale']!r} * y**2)\n"
        f"    plain_loss = tf.reduce_sum({inputs['scale']!r} * x**2)\n\n"
        "clipped = tape.gradient(loss, x)\nunclipped = tape.gradient(plain_loss, x)\n"
        "del tape\nprint(clipped, unclipped)\n"
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
        higher_order_code,
    ),
    Card(
        "jacobian",
        "tape.jacobian: one gradient per output",
        {"x": Field("vector", [1.0, 2.0]), "w": Field("matrix", [[1.0, -1.0], [0.5, 0.5], [2.0, 0.0]])},
        jacobian,
        jacobian_code,
        check=_matvec_shapes,
    ),
    Card(
        "batch_jacobian",
        "tape.batch_jacobian: per-example jacobians",
        {"x": Field("matrix", [[1.0, 2.0], [0.5, -1.0], [0.0, 0.3]]), "w": Field("matrix", [[0.1, 0.2], [0.3, -0.4]])},
        batch_jacobian,
        batch_jacobian_code,
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
        custom_gradient_code,
    ),
)
