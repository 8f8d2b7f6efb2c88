"""Syllabus cards, part 1: what the tape watches, intermediate results, persistence, vector targets, control flow."""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from core.syllabus.card import Card, CardResult, Field, error_dict, plain, show

KIND_CHOICES = ("variable", "constant", "nontrainable_variable")
KIND_WORDS = {
    "variable": "a trainable tf.Variable",
    "constant": "a tf.constant",
    "nontrainable_variable": "a tf.Variable(trainable=False)",
}


def make(kind: str, value: Any) -> tf.Tensor | tf.Variable:
    """A tf.constant, tf.Variable or non-trainable tf.Variable holding value."""
    if kind == "constant":
        return tf.constant(value)
    return tf.Variable(value, trainable=kind == "variable")


def declare(name: str, kind: str, value: Any) -> str:
    """The line of code that make() runs."""
    if kind == "constant":
        return f"{name} = tf.constant({value!r})"
    if kind == "variable":
        return f"{name} = tf.Variable({value!r})"
    return f"{name} = tf.Variable({value!r}, trainable=False)"


def _tape_args(**options: bool) -> str:
    defaults = {"persistent": False, "watch_accessed_variables": True}
    parts = [f"{name}={value}" for name, value in options.items() if value != defaults[name]]
    return ", ".join(parts)


# What the tape watches ------------------------------------------------------------------------------------------


def watching(inputs: dict[str, Any]) -> CardResult:
    """y = x * x; whether tape.gradient(y, x) exists depends on what x is and how the tape watches."""
    x = make(inputs["kind"], inputs["x"])
    with tf.GradientTape(watch_accessed_variables=inputs["watch_accessed_variables"]) as tape:
        if inputs["watch"]:
            tape.watch(x)
        y = x * x
    dy_dx = tape.gradient(y, x)
    watched = len(tape.watched_variables())
    result = CardResult(values={"x": plain(x), "y": plain(y), "watched_variables": watched})
    result.gradients["dy_dx"] = plain(dy_dx)
    result.explanation = _watching_story(inputs, plain(dy_dx), watched)
    return result


def _watching_story(inputs: dict[str, Any], dy_dx: Any, watched: int) -> str:
    start = f"x is {KIND_WORDS[inputs['kind']]}. tape.watched_variables() holds {watched} Variable(s)."
    if dy_dx is None:
        if inputs["kind"] == "variable":
            because = (
                "watch_accessed_variables=False turned off automatic watching and x was not passed to tape.watch()"
            )
        else:
            because = "the tape only watches trainable Variables on its own, and x was not passed to tape.watch()"
        return f"{start} tape.gradient(y, x) returned None: {because}, so y = x * x was never recorded."
    if inputs["watch"]:
        how = "x was passed to tape.watch(), so the tape recorded y = x * x"
    else:
        how = "the tape watches every trainable Variable it sees being read (watch_accessed_variables=True)"
    return f"{start} tape.gradient(y, x) returned {show(dy_dx)}, which is 2·x: {how}."


def watching_code(inputs: dict[str, Any]) -> str:
    """The code watching() runs."""
    watch = "    tape.watch(x)\n" if inputs["watch"] else ""
    args = _tape_args(watch_accessed_variables=inputs["watch_accessed_variables"])
    return (
        f"import tensorflow as tf\n\n{declare('x', inputs['kind'], inputs['x'])}\n\n"
        f"with tf.GradientTape({args}) as tape:\n{watch}    y = x * x\n\n"
        "dy_dx = tape.gradient(y, x)\nprint(dy_dx)\nprint(tape.watched_variables())\n"
    )


# Gradients of intermediate results ------------------------------------------------------------------------------


def intermediate(inputs: dict[str, Any]) -> CardResult:
    """The tutorial's chain: t3 = t1 * t2, t4 = t3 + t2; gradients of t4 with respect to t1, t2 and t3."""
    t1, t2 = tf.Variable(inputs["t1"]), tf.Variable(inputs["t2"])
    with tf.GradientTape() as tape:
        t3 = t1 * t2
        t4 = t3 + t2
    dt1, dt2, dt3 = tape.gradient(t4, [t1, t2, t3])
    result = CardResult(values={name: plain(v) for name, v in zip(("t1", "t2", "t3", "t4"), (t1, t2, t3, t4))})
    result.gradients = {"dt1": plain(dt1), "dt2": plain(dt2), "dt3": plain(dt3)}
    chain_ok = bool(np.allclose(dt3.numpy() * t2.numpy(), dt1.numpy()))
    result.explanation = (
        f"dt4/dt3 = {show(plain(dt3))}: t4 = t3 + t2 adds t3 once, so each element's slope is 1. "
        f"dt4/dt1 = {show(plain(dt1))}: by the chain rule dt4/dt3 · dt3/dt1 = dt4/dt3 · t2 "
        f"({'matches' if chain_ok else 'does not match'}). "
        f"dt4/dt2 = {show(plain(dt2))}: t2 reaches t4 twice, through t3 (slope t1) and directly (slope 1), "
        "and the tape adds both paths."
    )
    return result


def intermediate_code(inputs: dict[str, Any]) -> str:
    """The code intermediate() runs."""
    return (
        f"import tensorflow as tf\n\nt1 = tf.Variable({inputs['t1']!r})\nt2 = tf.Variable({inputs['t2']!r})\n\n"
        "with tf.GradientTape() as tape:\n    t3 = t1 * t2\n    t4 = t3 + t2\n\n"
        "dt1, dt2, dt3 = tape.gradient(t4, [t1, t2, t3])\nprint(dt1, dt2, dt3)\n"
    )


def same_length(first: str, second: str) -> Any:
    """A cross-field check: two vectors must have the same number of elements."""

    def check(values: dict[str, Any]) -> str | None:
        if len(values[first]) != len(values[second]):
            return f"{first} and {second} must have the same number of elements"
        return None

    return check


# Persistent tapes -----------------------------------------------------------------------------------------------


def persistent(inputs: dict[str, Any]) -> CardResult:
    """Two tape.gradient calls on one tape: only a persistent tape allows the second."""
    x = tf.Variable(inputs["x"])
    with tf.GradientTape(persistent=inputs["persistent"]) as tape:
        y = x * x
        z = y * y
    result = CardResult(values={"x": plain(x), "y": plain(y), "z": plain(z)})
    result.gradients["dz_dx"] = plain(tape.gradient(z, x))
    try:
        result.gradients["dy_dx"] = plain(tape.gradient(y, x))
    except RuntimeError as error:
        result.errors["dy_dx"] = error_dict(error)
    del tape
    first = f"The first call gave dz/dx = {show(result.gradients['dz_dx'])} (4·x³)."
    if "dy_dx" in result.errors:
        result.explanation = (
            f"{first} The second call raised {result.errors['dy_dx']['type']}: "
            f'"{result.errors["dy_dx"]["message"]}". A non-persistent tape frees what it recorded after one '
            "gradient call; build it with persistent=True to ask again."
        )
    else:
        result.explanation = (
            f"{first} The second call also worked, dy/dx = {show(result.gradients['dy_dx'])} (2·x), because the "
            "tape is persistent: it keeps its record until you del tape."
        )
    return result


def persistent_code(inputs: dict[str, Any]) -> str:
    """The code persistent() runs."""
    return (
        f"import tensorflow as tf\n\nx = tf.Variable({inputs['x']!r})\n\n"
        f"with tf.GradientTape({_tape_args(persistent=inputs['persistent'])}) as tape:\n"
        "    y = x * x\n    z = y * y\n\n"
        "dz_dx = tape.gradient(z, x)\ntry:\n    dy_dx = tape.gradient(y, x)  # the second call\n"
        "except RuntimeError as error:\n    print('RuntimeError:', error)\ndel tape\n"
    )


# Non-scalar targets ---------------------------------------------------------------------------------------------


def non_scalar(inputs: dict[str, Any]) -> CardResult:
    """The gradient of a vector target is the gradient of its sum; output_gradients weights each element."""
    x = tf.Variable(inputs["x"])
    weights = tf.constant(inputs["weights"])
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
        total = tf.reduce_sum(y)
    result = CardResult(values={"x": plain(x), "y": plain(y), "total": plain(total)})
    dy_dx = tape.gradient(y, x)
    dtotal_dx = tape.gradient(total, x)
    weighted = tape.gradient(y, x, output_gradients=weights)
    del tape
    result.gradients = {"dy_dx": plain(dy_dx), "dtotal_dx": plain(dtotal_dx), "weighted": plain(weighted)}
    same = bool(np.allclose(dy_dx.numpy(), dtotal_dx.numpy()))
    result.explanation = (
        f"y = x * x is a vector, yet tape.gradient(y, x) returned one value per x: {show(plain(dy_dx))}. "
        f"That is the gradient of tf.reduce_sum(y), {show(plain(dtotal_dx))} "
        f"({'identical' if same else 'different'}). With output_gradients={show(inputs['weights'])} each "
        f"element's contribution is weighted instead of summed with weight 1: {show(plain(weighted))}."
    )
    return result


def non_scalar_code(inputs: dict[str, Any]) -> str:
    """The code non_scalar() runs."""
    return (
        f"import tensorflow as tf\n\nx = tf.Variable({inputs['x']!r})\nweights = tf.constant({inputs['weights']!r})\n\n"
        "with tf.GradientTape(persistent=True) as tape:\n    y = x * x\n    total = tf.reduce_sum(y)\n\n"
        "dy_dx = tape.gradient(y, x)\ndtotal_dx = tape.gradient(total, x)\n"
        "weighted = tape.gradient(y, x, output_gradients=weights)\ndel tape\nprint(dy_dx, dtotal_dx, weighted)\n"
    )


# Control flow ---------------------------------------------------------------------------------------------------


def control_flow(inputs: dict[str, Any]) -> CardResult:
    """A Python if: the tape records only the branch that ran."""
    x = tf.constant(inputs["x"])
    v0, v1 = tf.Variable(inputs["v0"]), tf.Variable(inputs["v1"])
    with tf.GradientTape() as tape:
        tape.watch(x)
        if x > 0.0:
            result_value = v0 * x
        else:
            result_value = v1**2
    dv0, dv1, dx = tape.gradient(result_value, [v0, v1, x])
    result = CardResult(values={"x": plain(x), "v0": plain(v0), "v1": plain(v1), "result": plain(result_value)})
    result.gradients = {"dv0": plain(dv0), "dv1": plain(dv1), "dx": plain(dx)}
    took_first = bool(x.numpy() > 0.0)
    branch = "result = v0 * x" if took_first else "result = v1 ** 2"
    unused = "v1" if took_first else "v0"
    result.explanation = (
        f"x = {show(plain(x))}, so Python ran only `{branch}` and that is all the tape saw. "
        f"d{unused} is {show(result.gradients['d' + unused])} because {unused} was never read in the branch taken; "
        f"dv0 = {show(result.gradients['dv0'])}, dv1 = {show(result.gradients['dv1'])}, "
        f"dx = {show(result.gradients['dx'])}. The comparison x > 0 itself has no gradient."
    )
    return result


def control_flow_code(inputs: dict[str, Any]) -> str:
    """The code control_flow() runs."""
    return (
        f"import tensorflow as tf\n\nx = tf.constant({inputs['x']!r})\n"
        f"v0 = tf.Variable({inputs['v0']!r})\nv1 = tf.Variable({inputs['v1']!r})\n\n"
        "with tf.GradientTape() as tape:\n    tape.watch(x)\n    if x > 0.0:\n        result = v0 * x\n"
        "    else:\n        result = v1**2\n\ndv0, dv1, dx = tape.gradient(result, [v0, v1, x])\nprint(dv0, dv1, dx)\n"
    )


CARDS: tuple[Card, ...] = (
    Card(
        "watching",
        "What the tape watches",
        {
            "x": Field("vector", [1.0, 2.0, 3.0], "the values of x"),
            "kind": Field("choice", "variable", "what x is", choices=KIND_CHOICES),
            "watch": Field("bool", False, "call tape.watch(x)"),
            "watch_accessed_variables": Field("bool", True, "let the tape watch Variables it reads"),
        },
        watching,
        watching_code,
        presets={
            "trainable Variable": {"kind": "variable"},
            "constant": {"kind": "constant"},
            "non-trainable Variable": {"kind": "nontrainable_variable"},
            "constant with tape.watch": {"kind": "constant", "watch": True},
            "watch_accessed_variables=False": {"kind": "variable", "watch_accessed_variables": False},
        },
    ),
    Card(
        "intermediate",
        "Gradients with respect to intermediate results",
        {"t1": Field("vector", [1.0, 2.0, 3.0]), "t2": Field("vector", [10.0, 20.0, 30.0])},
        intermediate,
        intermediate_code,
        check=same_length("t1", "t2"),
    ),
    Card(
        "persistent",
        "Persistent tapes: more than one gradient call",
        {"x": Field("number", 3.0), "persistent": Field("bool", False, "GradientTape(persistent=...)")},
        persistent,
        persistent_code,
    ),
    Card(
        "non_scalar",
        "Non-scalar targets: the gradient of the sum, and output_gradients",
        {"x": Field("vector", [1.0, 2.0, 3.0]), "weights": Field("vector", [1.0, 0.0, 2.0], "output_gradients")},
        non_scalar,
        non_scalar_code,
        check=same_length("x", "weights"),
    ),
    Card(
        "control_flow",
        "Control flow: only the branch taken is recorded",
        {"x": Field("number", 1.0), "v0": Field("number", 2.0), "v1": Field("number", 2.0)},
        control_flow,
        control_flow_code,
    ),
)
