"""core.tape.none_reasons: why the tape has no gradient, read from the recorded graph, checked against TF's None."""

from __future__ import annotations

from typing import Any

import pytest
import tensorflow as tf

from core.tape import none_reasons
from core.tape.evaluator import Evaluator, make_input
from core.tape.functions import KINKED, STOPS_GRADIENT
from core.tape.recorder import GraphRecorder
from core.tape.request import GradRequest, parse_request


def record(program: str, inputs: dict[str, dict[str, Any]], **options: Any) -> tuple[GraphRecorder, GradRequest, Any]:
    """Run the program on a real tape with a recorder; returns the recorder, the request and tape.gradient."""
    request = parse_request({"inputs": inputs, "program": program, **options})
    accessed = request.options.watch_accessed_variables
    tensors = {spec.name: make_input(spec) for spec in request.inputs}
    recorder = GraphRecorder()
    for spec in request.inputs:
        watched = spec.dtype != "int32" and (spec.watch or (spec.kind == "variable" and accessed))
        recorder.add_input(spec.name, spec.kind, spec.dtype, tensors[spec.name].numpy(), watched)
    env = dict(tensors)
    with tf.GradientTape(persistent=True, watch_accessed_variables=accessed) as tape:
        for spec in request.inputs:
            if spec.watch:
                tape.watch(tensors[spec.name])
        Evaluator(recorder).run(request.program, env)
    return recorder, request, lambda target, source: tape.gradient(env[target], env[source])


X = {"value": [1.0, 2.0]}
CASES = [
    ("y = x * x", {"x": X}, {}, "y", "x", None),
    ("y = w * w", {"x": X, "w": X}, {}, "y", "x", "y is not computed from x: no operation connects them"),
    ("y = x * x\nx = x + 1.0", {"x": X}, {}, "y", "x", "x was reassigned on line 2 (the tf.Variable was replaced"),
    ("y = x * x", {"x": {**X, "kind": "constant"}}, {}, "y", "x", "x is a tf.constant and was not passed"),
    ("y = x * x", {"x": {**X, "kind": "constant", "watch": True}}, {}, "y", "x", None),
    ("y = x * x", {"x": {**X, "kind": "nontrainable_variable"}}, {}, "y", "x", "tf.Variable(trainable=False)"),
    ("y = x * x", {"x": X}, {"watch_accessed_variables": False}, "y", "x", "watch_accessed_variables=False"),
    ("y = tf.stop_gradient(x) * 2.0", {"x": X}, {}, "y", "x", "every path from x to y goes through tf.stop_gradient"),
    ("k = tf.cast(x, tf.int32)\ny = tf.cast(k, tf.float32)", {"x": X}, {}, "y", "x", "passes through an integer"),
    ("y = n * 2", {"n": {"value": [1, 2], "dtype": "int32"}}, {}, "y", "n", "n has dtype int32"),
    ("k = tf.cast(x, tf.int32)", {"x": X}, {}, "k", "x", "the target k has dtype int32"),
    ("c = tf.ones([2])\nd = c * 2.0\ny = d * x", {"x": X}, {}, "y", "d", "computed only from tensors the tape was not"),
]


@pytest.mark.parametrize(("program", "inputs", "options", "target", "source", "reason"), CASES)
def test_a_reason_is_given_exactly_when_tf_returns_none(
    program: str, inputs: dict, options: dict, target: str, source: str, reason: str | None
) -> None:
    recorder, request, gradient = record(program, inputs, **options)
    found = none_reasons.disconnection(recorder, request, target, source)
    if source != "n" and target != "k":  # TF refuses integer sources and targets rather than returning None
        assert (gradient(target, source) is None) == (found is not None), found
    if reason is None:
        assert found is None
    else:
        assert found is not None and reason in found


def test_through_finds_a_kinked_or_stopping_function_on_a_path() -> None:
    recorder, _, _ = record("r = tf.nn.relu(x)\ny = r + w\nz = tf.stop_gradient(w) * x", {"x": X, "w": X})
    assert none_reasons.through(recorder, "y", "x", KINKED)
    assert not none_reasons.through(recorder, "y", "w", KINKED)
    assert none_reasons.through(recorder, "z", "w", STOPS_GRADIENT)
    assert not none_reasons.through(recorder, "z", "x", STOPS_GRADIENT)


def test_the_fixed_reasons_name_target_and_source() -> None:
    assert none_reasons.fallback("y", "x") == "the tape recorded no differentiable path from x to y"
    assert none_reasons.second_order("y", "x").startswith("the first derivative dy/dx does not depend on x")
