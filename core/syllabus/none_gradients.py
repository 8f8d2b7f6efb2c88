"""Syllabus cards, part 2: the cases where tape.gradient returns None, and the ways to stop a gradient on purpose."""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from core.syllabus.card import Card, Field, plain, show

# An unconnected source ------------------------------------------------------------------------------------------


def unconnected(x: float, y: float, unconnected: str) -> dict[str, object]:
    """z depends on y only, so the gradient with respect to x is None (or zeros, on request)."""
    x, y = tf.Variable(x), tf.Variable(y)
    if unconnected == "zero":
        choice = tf.UnconnectedGradients.ZERO
    else:
        choice = tf.UnconnectedGradients.NONE
    with tf.GradientTape() as tape:
        z = y * y
    dx, dy = tape.gradient(z, [x, y], unconnected_gradients=choice)
    return {"x": x, "y": y, "z": z, "dx": dx, "dy": dy}


def explain_unconnected(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """Why dz/dx is None, or zeros."""
    dx = plain(results["dx"])
    if dx is None:
        outcome = "dz/dx is None: z = y * y never reads x, so no recorded operation connects them"
    else:
        outcome = (
            f"dz/dx is {show(dx)}: with unconnected_gradients=ZERO the tape fills in "
            "zeros of x's shape instead of None for a source it cannot reach"
        )
    return f"{outcome}. dz/dy = {show(plain(results['dy']))} (2·y) as usual."


# A Variable replaced by a Tensor --------------------------------------------------------------------------------


def replaced(x: float, steps: int, use_assign_add: bool) -> dict[str, object]:
    """A training-style loop: `x = x + 1` turns the Variable into a Tensor, and the next step's gradient is None."""
    x = tf.Variable(x)
    grads, types_of_x = [], []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            y = x + 1
        grads.append(tape.gradient(y, x))
        types_of_x.append(type(x).__name__)
        if use_assign_add:
            x.assign_add(1.0)
        else:
            x = x + 1
    return {"x": x, "types_of_x": types_of_x, "grads": grads}


def with_article(word: str) -> str:
    """'a ResourceVariable', 'an EagerTensor': the indefinite article a class name takes when read aloud."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def explain_replaced(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """Each step's type of x and gradient, and the moral."""
    grads = results["grads"]
    steps = "; ".join(
        f"step {i + 1}: x is {with_article(kind)}, dy/dx = {show(plain(g))}"
        for i, (kind, g) in enumerate(zip(results["types_of_x"], grads))
    )
    if any(g is None for g in grads):
        moral = (
            "x = x + 1 made x a plain Tensor, which the tape does not watch, so later steps get None. "
            "Update Variables in place with x.assign_add(1) instead."
        )
    else:
        moral = "x stayed a tf.Variable (updated in place with assign_add), so every step has a gradient."
    return f"{steps}. {moral}"


# Integer dtypes -------------------------------------------------------------------------------------------------


def integer(x: int, dtype: str) -> dict[str, object]:
    """Watching an int32 tensor does nothing: integers have no gradient."""
    x = tf.constant(x, dtype=dtype)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    dy_dx = tape.gradient(y, x)
    return {"x": x, "y": y, "dy_dx": dy_dx}


def explain_integer(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """Whether x's dtype let the tape record anything."""
    dtype, dy_dx = results["x"].dtype.name, plain(results["dy_dx"])
    if dy_dx is None:
        return (
            f"x has dtype {dtype}: tape.watch(x) only logs a warning for integer tensors, nothing is "
            "recorded, and tape.gradient(y, x) returns None. Use a floating-point dtype."
        )
    return f"x has dtype {dtype}, so the tape recorded y = x * x and dy/dx = {show(dy_dx)}."


# Stateful operations --------------------------------------------------------------------------------------------


def stateful(x0: float, x1: float) -> dict[str, object]:
    """x1.assign_add(x0) writes a Variable; the tape records reads, not writes, so y = x1**2 has no path to x0."""
    x1_start = x1
    x0, x1 = tf.Variable(x0), tf.Variable(x1)
    with tf.GradientTape(persistent=True) as tape:
        x1.assign_add(x0)
        y = x1**2
        y_direct = (x1_start + x0) ** 2
    dy_dx0 = tape.gradient(y, x0)
    direct = tape.gradient(y_direct, x0)
    del tape
    return {"x0": x0, "x1": x1, "y": y, "y_direct": y_direct, "dy_dx0": dy_dx0, "direct": direct}


def explain_stateful(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """Why a write through assign_add leaves no path back to x0."""
    return (
        f"y = {show(plain(results['y']))} but dy/dx0 = {show(plain(results['dy_dx0']))}: assign_add is a stateful "
        "write, and the tape only records operations that read watched values, so x1's new value has no recorded "
        "link to x0. Writing the same sum as a plain expression, (x1_start + x0)**2, gives "
        f"{show(plain(results['direct']))}."
    )


# A step outside TensorFlow --------------------------------------------------------------------------------------


def numpy_step(x: list[list[float]], use_numpy: bool) -> dict[str, object]:
    """A step computed with NumPy leaves the tape: the gradient through it is None."""
    x = tf.Variable(x)
    with tf.GradientTape() as tape:
        x2 = x**2
        if use_numpy:
            y = np.mean(x2, axis=0)
        else:
            y = tf.reduce_mean(x2, axis=0)
        y = tf.reduce_mean(y, axis=0)
    dy_dx = tape.gradient(y, x)
    return {"x": x, "y": y, "dy_dx": dy_dx}


def explain_numpy_step(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """Whether a NumPy step broke the chain."""
    dy_dx = plain(results["dy_dx"])
    if dy_dx is None:
        return (
            "np.mean turned the tensor into a NumPy array; TF converted it back, but the tape never saw the "
            "computation in between, so dy/dx is None. Keep every step in TF (tf.reduce_mean)."
        )
    return (
        f"Every step was a TF op, so the tape recorded the whole chain: dy/dx = {show(dy_dx)} "
        "(2·x divided by the number of elements)."
    )


# Stopping gradients on purpose ----------------------------------------------------------------------------------


def stop_recording(x: float, stop: bool) -> dict[str, object]:
    """Operations run inside tape.stop_recording() are invisible to the tape."""
    x = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = x * x
        if stop:
            with tape.stop_recording():
                z = x * x * x
        else:
            z = x * x * x
        total = y + z
    dtotal_dx = tape.gradient(total, x)
    return {"x": x, "y": y, "z": z, "total": total, "dtotal_dx": dtotal_dx}


def explain_stop_recording(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """What the tape saw of z = x**3."""
    if inputs["stop"]:
        story = "z = x**3 ran inside tape.stop_recording(), so the tape treats z as a constant: only 2·x is left"
    else:
        story = "both y = x**2 and z = x**3 were recorded, so the gradient is 2·x + 3·x²"
    return f"d(total)/dx = {show(plain(results['dtotal_dx']))}: {story}."


def stop_gradient(x: float, use_stop_gradient: bool) -> dict[str, object]:
    """tf.stop_gradient(x) is x going forward and a constant going backward."""
    x = tf.Variable(x)
    with tf.GradientTape() as tape:
        if use_stop_gradient:
            y = x * tf.stop_gradient(x)
        else:
            y = x * x
    dy_dx = tape.gradient(y, x)
    return {"x": x, "y": y, "dy_dx": dy_dx}


def explain_stop_gradient(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """Which factors of x * x the tape differentiated."""
    if inputs["use_stop_gradient"]:
        story = "the second factor went through tf.stop_gradient, so only the first one counts: dy/dx = x"
    else:
        story = "both factors are recorded: dy/dx = 2·x"
    return f"y = {show(plain(results['y']))} either way, but dy/dx = {show(plain(results['dy_dx']))}: {story}."


CARDS: tuple[Card, ...] = (
    Card(
        "unconnected",
        "None: the source is not connected to the target (and unconnected_gradients=ZERO)",
        {
            "x": Field("number", 2.0),
            "y": Field("number", 3.0),
            "unconnected": Field("choice", "none", "unconnected_gradients", choices=("none", "zero")),
        },
        unconnected,
        explain_unconnected,
        gradients=("dx", "dy"),
        presets={"None": {"unconnected": "none"}, "ZERO": {"unconnected": "zero"}},
    ),
    Card(
        "replaced",
        "None: a Variable replaced by a Tensor (x = x + 1)",
        {
            "x": Field("number", 2.0),
            "steps": Field("whole", 2, "loop steps", low=1, high=5),
            "use_assign_add": Field("bool", False, "update with x.assign_add(1) instead"),
        },
        replaced,
        explain_replaced,
        gradients=("grads",),
    ),
    Card(
        "integer",
        "None: integer dtypes",
        {
            "x": Field("whole", 10, low=-1000, high=1000),
            "dtype": Field("choice", "int32", choices=("int32", "float32")),
        },
        integer,
        explain_integer,
        gradients=("dy_dx",),
    ),
    Card(
        "stateful",
        "None: a stateful op (assign_add)",
        {"x0": Field("number", 3.0), "x1": Field("number", 0.0)},
        stateful,
        explain_stateful,
        gradients=("dy_dx0", "direct"),
    ),
    Card(
        "numpy_step",
        "None: a step done outside TF (NumPy)",
        {"x": Field("matrix", [[1.0, 2.0], [3.0, 4.0]]), "use_numpy": Field("bool", True, "use np.mean for one step")},
        numpy_step,
        explain_numpy_step,
        gradients=("dy_dx",),
    ),
    Card(
        "stop_recording",
        "tape.stop_recording()",
        {"x": Field("number", 3.0), "stop": Field("bool", True, "run z = x**3 inside stop_recording()")},
        stop_recording,
        explain_stop_recording,
        gradients=("dtotal_dx",),
    ),
    Card(
        "stop_gradient",
        "tf.stop_gradient",
        {"x": Field("number", 3.0), "use_stop_gradient": Field("bool", True)},
        stop_gradient,
        explain_stop_gradient,
        gradients=("dy_dx",),
    ),
)
