"""Syllabus cards, part 2: the cases where tape.gradient returns None, and the ways to stop a gradient on purpose."""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from core.syllabus.card import Card, CardResult, Field, plain, show

HEADER = "import tensorflow as tf\n\n"


# An unconnected source ------------------------------------------------------------------------------------------


def unconnected(inputs: dict[str, Any]) -> CardResult:
    """z depends on y only, so the gradient with respect to x is None (or zeros, on request)."""
    x, y = tf.Variable(inputs["x"]), tf.Variable(inputs["y"])
    choice = tf.UnconnectedGradients.ZERO if inputs["unconnected"] == "zero" else tf.UnconnectedGradients.NONE
    with tf.GradientTape() as tape:
        z = y * y
    dx, dy = tape.gradient(z, [x, y], unconnected_gradients=choice)
    result = CardResult(values={"x": plain(x), "y": plain(y), "z": plain(z)})
    result.gradients = {"dx": plain(dx), "dy": plain(dy)}
    if dx is None:
        outcome = "dz/dx is None: z = y * y never reads x, so no recorded operation connects them"
    else:
        outcome = (
            f"dz/dx is {show(result.gradients['dx'])}: with unconnected_gradients=ZERO the tape fills in "
            "zeros of x's shape instead of None for a source it cannot reach"
        )
    result.explanation = f"{outcome}. dz/dy = {show(result.gradients['dy'])} (2·y) as usual."
    return result


def unconnected_code(inputs: dict[str, Any]) -> str:
    """The code unconnected() runs."""
    choice = "ZERO" if inputs["unconnected"] == "zero" else "NONE"
    return (
        f"{HEADER}x = tf.Variable({inputs['x']!r})\ny = tf.Variable({inputs['y']!r})\n\n"
        "with tf.GradientTape() as tape:\n    z = y * y\n\n"
        f"dx, dy = tape.gradient(z, [x, y], unconnected_gradients=tf.UnconnectedGradients.{choice})\nprint(dx, dy)\n"
    )


# A Variable replaced by a Tensor --------------------------------------------------------------------------------


def replaced(inputs: dict[str, Any]) -> CardResult:
    """A training-style loop: `x = x + 1` turns the Variable into a Tensor, and the next step's gradient is None."""
    x = tf.Variable(inputs["x"])
    grads, kinds = [], []
    for _ in range(inputs["steps"]):
        with tf.GradientTape() as tape:
            y = x + 1
        grads.append(tape.gradient(y, x))
        kinds.append(type(x).__name__)
        if inputs["use_assign_add"]:
            x.assign_add(1.0)
        else:
            x = x + 1
    result = CardResult(values={"x": plain(x), "types_of_x": kinds})
    result.gradients["grads"] = plain(grads)
    steps = "; ".join(
        f"step {i + 1}: x is a {kind}, dy/dx = {show(plain(g))}" for i, (kind, g) in enumerate(zip(kinds, grads))
    )
    if any(g is None for g in grads):
        moral = (
            "x = x + 1 made x a plain Tensor, which the tape does not watch, so later steps get None. "
            "Update Variables in place with x.assign_add(1) instead."
        )
    else:
        moral = "x stayed a tf.Variable (updated in place with assign_add), so every step has a gradient."
    result.explanation = f"{steps}. {moral}"
    return result


def replaced_code(inputs: dict[str, Any]) -> str:
    """The code replaced() runs."""
    update = "x.assign_add(1.0)" if inputs["use_assign_add"] else "x = x + 1"
    return (
        f"{HEADER}x = tf.Variable({inputs['x']!r})\ngrads = []\n\nfor step in range({inputs['steps']}):\n"
        "    with tf.GradientTape() as tape:\n        y = x + 1\n"
        f"    grads.append(tape.gradient(y, x))\n    print(type(x).__name__, grads[-1])\n    {update}\n"
    )


# Integer dtypes -------------------------------------------------------------------------------------------------


def integer(inputs: dict[str, Any]) -> CardResult:
    """Watching an int32 tensor does nothing: integers have no gradient."""
    dtype = tf.int32 if inputs["dtype"] == "int32" else tf.float32
    x = tf.constant(inputs["x"], dtype=dtype)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    dy_dx = tape.gradient(y, x)
    result = CardResult(values={"x": plain(x), "y": plain(y)}, gradients={"dy_dx": plain(dy_dx)})
    if dy_dx is None:
        result.explanation = (
            f"x has dtype {x.dtype.name}: tape.watch(x) only logs a warning for integer tensors, nothing is "
            "recorded, and tape.gradient(y, x) returns None. Use a floating-point dtype."
        )
    else:
        result.explanation = (
            f"x has dtype {x.dtype.name}, so the tape recorded y = x * x and dy/dx = {show(plain(dy_dx))}."
        )
    return result


def integer_code(inputs: dict[str, Any]) -> str:
    """The code integer() runs."""
    return (
        f"{HEADER}x = tf.constant({inputs['x']!r}, dtype=tf.{inputs['dtype']})\n\n"
        "with tf.GradientTape() as tape:\n    tape.watch(x)\n    y = x * x\n\n"
        "dy_dx = tape.gradient(y, x)\nprint(dy_dx)\n"
    )


# Stateful operations --------------------------------------------------------------------------------------------


def stateful(inputs: dict[str, Any]) -> CardResult:
    """x1.assign_add(x0) writes a Variable; the tape records reads, not writes, so y = x1**2 has no path to x0."""
    x0, x1 = tf.Variable(inputs["x0"]), tf.Variable(inputs["x1"])
    with tf.GradientTape(persistent=True) as tape:
        x1.assign_add(x0)
        y = x1**2
        y_direct = (inputs["x1"] + x0) ** 2
    dy_dx0 = tape.gradient(y, x0)
    direct = tape.gradient(y_direct, x0)
    del tape
    result = CardResult(values={"x0": plain(x0), "x1": plain(x1), "y": plain(y), "y_direct": plain(y_direct)})
    result.gradients = {"dy_dx0": plain(dy_dx0), "direct": plain(direct)}
    result.explanation = (
        f"y = {show(plain(y))} but dy/dx0 = {show(plain(dy_dx0))}: assign_add is a stateful write, and the tape "
        "only records operations that read watched values, so x1's new value has no recorded link to x0. "
        f"Writing the same sum as a plain expression, (x1_start + x0)**2, gives {show(plain(direct))}."
    )
    return result


def stateful_code(inputs: dict[str, Any]) -> str:
    """The code stateful() runs."""
    return (
        f"{HEADER}x0 = tf.Variable({inputs['x0']!r})\nx1 = tf.Variable({inputs['x1']!r})\n\n"
        "with tf.GradientTape(persistent=True) as tape:\n    x1.assign_add(x0)\n    y = x1**2\n"
        f"    y_direct = ({inputs['x1']!r} + x0) ** 2\n\n"
        "dy_dx0 = tape.gradient(y, x0)\ndirect = tape.gradient(y_direct, x0)\ndel tape\nprint(dy_dx0, direct)\n"
    )


# A step outside TensorFlow --------------------------------------------------------------------------------------


def numpy_step(inputs: dict[str, Any]) -> CardResult:
    """A step computed with NumPy leaves the tape: the gradient through it is None."""
    x = tf.Variable(inputs["x"])
    with tf.GradientTape() as tape:
        x2 = x**2
        y = np.mean(x2, axis=0) if inputs["use_numpy"] else tf.reduce_mean(x2, axis=0)
        y = tf.reduce_mean(y, axis=0)
    dy_dx = tape.gradient(y, x)
    result = CardResult(values={"x": plain(x), "y": plain(y)}, gradients={"dy_dx": plain(dy_dx)})
    if dy_dx is None:
        result.explanation = (
            "np.mean turned the tensor into a NumPy array; TF converted it back, but the tape never saw the "
            "computation in between, so dy/dx is None. Keep every step in TF (tf.reduce_mean)."
        )
    else:
        result.explanation = (
            f"Every step was a TF op, so the tape recorded the whole chain: dy/dx = {show(plain(dy_dx))} "
            "(2·x divided by the number of elements)."
        )
    return result


def numpy_step_code(inputs: dict[str, Any]) -> str:
    """The code numpy_step() runs."""
    step = "np.mean(x2, axis=0)" if inputs["use_numpy"] else "tf.reduce_mean(x2, axis=0)"
    return (
        f"import numpy as np\n{HEADER}x = tf.Variable({inputs['x']!r})\n\n"
        f"with tf.GradientTape() as tape:\n    x2 = x**2\n    y = {step}\n    y = tf.reduce_mean(y, axis=0)\n\n"
        "dy_dx = tape.gradient(y, x)\nprint(dy_dx)\n"
    )


# Stopping gradients on purpose ----------------------------------------------------------------------------------


def stop_recording(inputs: dict[str, Any]) -> CardResult:
    """Operations run inside tape.stop_recording() are invisible to the tape."""
    x = tf.Variable(inputs["x"])
    with tf.GradientTape() as tape:
        y = x * x
        if inputs["stop"]:
            with tape.stop_recording():
                z = x * x * x
        else:
            z = x * x * x
        total = y + z
    dtotal_dx = tape.gradient(total, x)
    result = CardResult(values={"x": plain(x), "y": plain(y), "z": plain(z), "total": plain(total)})
    result.gradients["dtotal_dx"] = plain(dtotal_dx)
    if inputs["stop"]:
        story = "z = x**3 ran inside tape.stop_recording(), so the tape treats z as a constant: only 2·x is left"
    else:
        story = "both y = x**2 and z = x**3 were recorded, so the gradient is 2·x + 3·x²"
    result.explanation = f"d(total)/dx = {show(plain(dtotal_dx))}: {story}."
    return result


def stop_recording_code(inputs: dict[str, Any]) -> str:
    """The code stop_recording() runs."""
    if inputs["stop"]:
        middle = "    with tape.stop_recording():\n        z = x * x * x\n"
    else:
        middle = "    z = x * x * x\n"
    return (
        f"{HEADER}x = tf.Variable({inputs['x']!r})\n\nwith tf.GradientTape() as tape:\n    y = x * x\n{middle}"
        "    total = y + z\n\ndtotal_dx = tape.gradient(total, x)\nprint(dtotal_dx)\n"
    )


def stop_gradient(inputs: dict[str, Any]) -> CardResult:
    """tf.stop_gradient(x) is x going forward and a constant going backward."""
    x = tf.Variable(inputs["x"])
    with tf.GradientTape() as tape:
        y = x * tf.stop_gradient(x) if inputs["use_stop_gradient"] else x * x
    dy_dx = tape.gradient(y, x)
    result = CardResult(values={"x": plain(x), "y": plain(y)}, gradients={"dy_dx": plain(dy_dx)})
    if inputs["use_stop_gradient"]:
        story = "the second factor went through tf.stop_gradient, so only the first one counts: dy/dx = x"
    else:
        story = "both factors are recorded: dy/dx = 2·x"
    result.explanation = f"y = {show(plain(y))} either way, but dy/dx = {show(plain(dy_dx))}: {story}."
    return result


def stop_gradient_code(inputs: dict[str, Any]) -> str:
    """The code stop_gradient() runs."""
    body = "x * tf.stop_gradient(x)" if inputs["use_stop_gradient"] else "x * x"
    return (
        f"{HEADER}x = tf.Variable({inputs['x']!r})\n\nwith tf.GradientTape() as tape:\n    y = {body}\n\n"
        "dy_dx = tape.gradient(y, x)\nprint(dy_dx)\n"
    )


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
        unconnected_code,
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
        replaced_code,
    ),
    Card(
        "integer",
        "None: integer dtypes",
        {
            "x": Field("whole", 10, low=-1000, high=1000),
            "dtype": Field("choice", "int32", choices=("int32", "float32")),
        },
        integer,
        integer_code,
    ),
    Card(
        "stateful",
        "None: a stateful op (assign_add)",
        {"x0": Field("number", 3.0), "x1": Field("number", 0.0)},
        stateful,
        stateful_code,
    ),
    Card(
        "numpy_step",
        "None: a step done outside TF (NumPy)",
        {"x": Field("matrix", [[1.0, 2.0], [3.0, 4.0]]), "use_numpy": Field("bool", True, "use np.mean for one step")},
        numpy_step,
        numpy_step_code,
    ),
    Card(
        "stop_recording",
        "tape.stop_recording()",
        {"x": Field("number", 3.0), "stop": Field("bool", True, "run z = x**3 inside stop_recording()")},
        stop_recording,
        stop_recording_code,
    ),
    Card(
        "stop_gradient",
        "tf.stop_gradient",
        {"x": Field("number", 3.0), "use_stop_gradient": Field("bool", True)},
        stop_gradient,
        stop_gradient_code,
    ),
)
