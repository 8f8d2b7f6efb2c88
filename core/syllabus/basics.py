"""Syllabus cards, part 1: what the tape watches, intermediate results, persistence, vector targets, control flow."""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from core.syllabus.card import Card, Field, error_dict, plain, show

KIND_CHOICES = ("variable", "constant", "nontrainable_variable")
KIND_WORDS = {
    "variable": "a trainable tf.Variable",
    "constant": "a tf.constant",
    "nontrainable_variable": "a tf.Variable(trainable=False)",
}


def make(kind: str, value: list[float]) -> tf.Tensor | tf.Variable:
    """A tf.constant, tf.Variable or non-trainable tf.Variable holding value."""
    if kind == "constant":
        return tf.constant(value)
    return tf.Variable(value, trainable=kind == "variable")


# What the tape watches ------------------------------------------------------------------------------------------


def watching(x: list[float], kind: str, watch: bool, watch_accessed_variables: bool) -> dict[str, object]:
    """y = x * x; whether tape.gradient(y, x) exists depends on what x is and how the tape watches."""
    x = make(kind, x)
    with tf.GradientTape(watch_accessed_variables=watch_accessed_variables) as tape:
        if watch:
            tape.watch(x)
        y = x * x
    dy_dx = tape.gradient(y, x)
    return {"x": x, "y": y, "watched_variables": len(tape.watched_variables()), "dy_dx": dy_dx}


def explain_watching(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """Why tape.gradient(y, x) returned a value or None."""
    dy_dx, watched = plain(results["dy_dx"]), results["watched_variables"]
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


# Gradients of intermediate results ------------------------------------------------------------------------------


def intermediate(t1: list[float], t2: list[float]) -> dict[str, object]:
    """The tutorial's chain: t3 = t1 * t2, t4 = t3 + t2; gradients of t4 with respect to t1, t2 and t3."""
    t1, t2 = tf.Variable(t1), tf.Variable(t2)
    with tf.GradientTape() as tape:
        t3 = t1 * t2
        t4 = t3 + t2
    dt1, dt2, dt3 = tape.gradient(t4, [t1, t2, t3])
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "dt1": dt1, "dt2": dt2, "dt3": dt3}


def explain_intermediate(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """Each gradient of the chain, and the chain rule checked."""
    dt1, dt2, dt3 = results["dt1"], results["dt2"], results["dt3"]
    chain_ok = bool(np.allclose(dt3.numpy() * results["t2"].numpy(), dt1.numpy()))
    return (
        f"dt4/dt3 = {show(plain(dt3))}: t4 = t3 + t2 adds t3 once, so each element's slope is 1. "
        f"dt4/dt1 = {show(plain(dt1))}: by the chain rule dt4/dt3 · dt3/dt1 = dt4/dt3 · t2 "
        f"({'matches' if chain_ok else 'does not match'}). "
        f"dt4/dt2 = {show(plain(dt2))}: t2 reaches t4 twice, through t3 (slope t1) and directly (slope 1), "
        "and the tape adds both paths."
    )


def same_length(first: str, second: str) -> Any:
    """A cross-field check: two vectors must have the same number of elements."""

    def check(values: dict[str, Any]) -> str | None:
        if len(values[first]) != len(values[second]):
            return f"{first} and {second} must have the same number of elements"
        return None

    return check


# Persistent tapes -----------------------------------------------------------------------------------------------


def persistent(x: float, persistent: bool) -> dict[str, object]:
    """Two tape.gradient calls on one tape: only a persistent tape allows the second."""
    x = tf.Variable(x)
    with tf.GradientTape(persistent=persistent) as tape:
        y = x * x
        z = y * y
    dz_dx = tape.gradient(z, x)
    try:
        dy_dx = tape.gradient(y, x)  # the second call
    except RuntimeError as error:
        dy_dx = error
    del tape
    return {"x": x, "y": y, "z": z, "dz_dx": dz_dx, "dy_dx": dy_dx}


def explain_persistent(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """What the first call gave, and whether the second one worked."""
    first = f"The first call gave dz/dx = {show(plain(results['dz_dx']))} (4·x³)."
    if isinstance(results["dy_dx"], RuntimeError):
        raised = error_dict(results["dy_dx"])
        return (
            f'{first} The second call raised {raised["type"]}: "{raised["message"]}". A non-persistent tape frees '
            "what it recorded after one gradient call; build it with persistent=True to ask again."
        )
    return (
        f"{first} The second call also worked, dy/dx = {show(plain(results['dy_dx']))} (2·x), because the "
        "tape is persistent: it keeps its record until you del tape."
    )


# Non-scalar targets ---------------------------------------------------------------------------------------------


def non_scalar(x: list[float], weights: list[float]) -> dict[str, object]:
    """The gradient of a vector target is the gradient of its sum; output_gradients weights each element."""
    x = tf.Variable(x)
    weights = tf.constant(weights)
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
        total = tf.reduce_sum(y)
    dy_dx = tape.gradient(y, x)
    dtotal_dx = tape.gradient(total, x)
    weighted = tape.gradient(y, x, output_gradients=weights)
    del tape
    return {"x": x, "y": y, "total": total, "dy_dx": dy_dx, "dtotal_dx": dtotal_dx, "weighted": weighted}


def explain_non_scalar(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """The gradient of a vector is the gradient of its sum; output_gradients weights it."""
    dy_dx, dtotal_dx = results["dy_dx"], results["dtotal_dx"]
    same = bool(np.allclose(dy_dx.numpy(), dtotal_dx.numpy()))
    return (
        f"y = x * x is a vector, yet tape.gradient(y, x) returned one value per x: {show(plain(dy_dx))}. "
        f"That is the gradient of tf.reduce_sum(y), {show(plain(dtotal_dx))} "
        f"({'identical' if same else 'different'}). With output_gradients={show(inputs['weights'])} each "
        f"element's contribution is weighted instead of summed with weight 1: {show(plain(results['weighted']))}."
    )


# Control flow ---------------------------------------------------------------------------------------------------


def control_flow(x: float, v0: float, v1: float) -> dict[str, object]:
    """A Python if: the tape records only the branch that ran."""
    x = tf.constant(x)
    v0, v1 = tf.Variable(v0), tf.Variable(v1)
    with tf.GradientTape() as tape:
        tape.watch(x)
        if x > 0.0:
            result = v0 * x
        else:
            result = v1**2
    dv0, dv1, dx = tape.gradient(result, [v0, v1, x])
    return {"x": x, "v0": v0, "v1": v1, "result": result, "dv0": dv0, "dv1": dv1, "dx": dx}


def explain_control_flow(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """Which branch ran, and why the other one's Variable has no gradient."""
    gradients = {name: plain(results[name]) for name in ("dv0", "dv1", "dx")}
    took_first = bool(results["x"].numpy() > 0.0)
    branch = "result = v0 * x" if took_first else "result = v1 ** 2"
    unused = "v1" if took_first else "v0"
    return (
        f"x = {show(plain(results['x']))}, so Python ran only `{branch}` and that is all the tape saw. "
        f"d{unused} is {show(gradients['d' + unused])} because {unused} was never read in the branch taken; "
        f"dv0 = {show(gradients['dv0'])}, dv1 = {show(gradients['dv1'])}, "
        f"dx = {show(gradients['dx'])}. The comparison x > 0 itself has no gradient."
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
        explain_watching,
        gradients=("dy_dx",),
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
        explain_intermediate,
        gradients=("dt1", "dt2", "dt3"),
        check=same_length("t1", "t2"),
    ),
    Card(
        "persistent",
        "Persistent tapes: more than one gradient call",
        {"x": Field("number", 3.0), "persistent": Field("bool", False, "GradientTape(persistent=...)")},
        persistent,
        explain_persistent,
        gradients=("dz_dx", "dy_dx"),
    ),
    Card(
        "non_scalar",
        "Non-scalar targets: the gradient of the sum, and output_gradients",
        {"x": Field("vector", [1.0, 2.0, 3.0]), "weights": Field("vector", [1.0, 0.0, 2.0], "output_gradients")},
        non_scalar,
        explain_non_scalar,
        gradients=("dy_dx", "dtotal_dx", "weighted"),
        check=same_length("x", "weights"),
    ),
    Card(
        "control_flow",
        "Control flow: only the branch taken is recorded",
        {"x": Field("number", 1.0), "v0": Field("number", 2.0), "v1": Field("number", 2.0)},
        control_flow,
        explain_control_flow,
        gradients=("dv0", "dv1", "dx"),
    ),
)
