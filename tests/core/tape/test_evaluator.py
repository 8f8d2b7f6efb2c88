"""core.tape.evaluator: a parsed program run with real TF ops, its float64 and override modes, and ForwardError."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from core.tape.evaluator import Evaluator, ForwardError, Override, final_statement, make_input, plain
from core.tape.parser import ProgramError, parse_program
from core.tape.recorder import GraphRecorder
from core.tape.request import InputSpec

PROGRAM = "y = x * 2.0\nz = tf.reduce_sum(tf.sin(y) + [1.0, 2.0])\nq = tf.ones([2])"


def test_statements_give_the_same_values_as_direct_tf() -> None:
    x = tf.constant([0.5, -1.0])
    env = Evaluator().run(parse_program(PROGRAM, {"x": (2,)}), {"x": x})
    np.testing.assert_allclose(env["y"].numpy(), (x * 2.0).numpy())
    np.testing.assert_allclose(env["z"].numpy(), tf.reduce_sum(tf.sin(x * 2.0) + [1.0, 2.0]).numpy())
    assert env["q"].dtype == tf.float32 and env["z"].dtype == tf.float32


def test_literals_take_the_other_operands_dtype_as_tfs_operators_do() -> None:
    env = Evaluator().run(
        parse_program("y = x + [1.0, 2.0]\nk = n * 3", {"x": (2,), "n": (2,)}),
        {
            "x": tf.constant([1.0, 2.0], tf.float64),
            "n": tf.constant([1, 2]),
        },
    )
    assert env["y"].dtype == tf.float64 and env["y"].numpy().tolist() == [2.0, 4.0]
    assert env["k"].dtype == tf.int32 and env["k"].numpy().tolist() == [3, 6]


def test_float64_mode_and_an_override_replace_one_binding() -> None:
    program = parse_program(PROGRAM, {"x": (2,)})
    x = tf.constant([0.5, -1.0], tf.float64)
    plain_run = Evaluator(float64=True).run(program, {"x": x})
    assert plain_run["z"].dtype == tf.float64 and plain_run["q"].dtype == tf.float64
    override = Override("y", final_statement(program, "y"), np.array([1.0, 2.0]))
    env = Evaluator(float64=True, override=override).run(program, {"x": x})
    assert env["y"] is override.tensor and env["y"].numpy().tolist() == [1.0, 2.0]
    assert env["z"].numpy() == pytest.approx(np.sin(1.0) + np.sin(2.0) + 3.0, rel=1e-12)


def test_a_watched_override_is_differentiable() -> None:
    program = parse_program("y = x * x\nz = tf.reduce_sum(y * 3.0)", {"x": (2,)})
    with tf.GradientTape() as tape:
        override = Override("y", 0, np.array([1.0, 2.0]), tape)
        env = Evaluator(float64=True, override=override).run(program, {"x": tf.constant([5.0, 6.0], tf.float64)})
    assert tape.gradient(env["z"], override.tensor).numpy().tolist() == [3.0, 3.0]


def test_tf_errors_become_forward_errors_with_the_ops_place() -> None:
    env = {"x": tf.constant([1.0, 2.0])}
    with pytest.raises(ForwardError) as caught:
        Evaluator().run(parse_program("a = x * 2.0\nb = a + [1.0, 2.0, 3.0]", {"x": (2,)}), env)
    error = caught.value.to_dict()
    assert error["type"] == "InvalidArgumentError" and "Incompatible shapes" in error["message"]
    assert (error["line"], error["col"]) == (2, 5) and "a" in env and "b" not in env


def test_the_size_limit_is_also_checked_at_run_time_before_the_op() -> None:
    program = parse_program("y = a + b", {"a": None, "b": None})
    env = {"a": tf.ones([10_000, 1]), "b": tf.ones([1, 10_000])}
    with pytest.raises(ForwardError) as caught:
        Evaluator().run(program, env)
    assert isinstance(caught.value.error, ProgramError)
    assert caught.value.to_dict()["type"] == "ProgramError" and "y" not in env


def test_a_recorder_sees_each_op_with_its_value() -> None:
    recorder = GraphRecorder()
    recorder.add_input("x", "variable", "float32", np.array([1.0, 2.0], np.float32), True)
    Evaluator(recorder).run(parse_program("y = tf.sin(x) * 2.0", {"x": (2,)}), {"x": tf.Variable([1.0, 2.0])})
    ops = [node for node in recorder.nodes.values() if node.kind == "op"]
    assert [(op.label, op.function) for op in ops] == [("tf.sin", "tf.math.sin"), ("*", "*")]
    np.testing.assert_allclose(ops[1].value, (tf.sin([1.0, 2.0]) * 2.0).numpy())
    assert recorder.current("y") == "y" and recorder.nodes["y"].recorded


def test_inputs_helpers() -> None:
    constant = make_input(InputSpec("c", (1.0, 2.0), (2,), "float64", "constant"))
    frozen = make_input(InputSpec("f", 3, (), "int32", "nontrainable_variable"))
    variable = make_input(InputSpec("v", (1.0,), (1,)))
    assert isinstance(constant, tf.Tensor) and constant.dtype == tf.float64
    assert isinstance(frozen, tf.Variable) and not frozen.trainable and frozen.dtype == tf.int32
    assert isinstance(variable, tf.Variable) and variable.trainable and variable.dtype == tf.float32
    program = parse_program("y = x\nx = y + 1.0\ny = x", {"x": ()})
    assert (final_statement(program, "y"), final_statement(program, "x"), final_statement(program, "w")) == (2, 1, None)
    assert plain(tf.constant([[1, 2]])) == [[1, 2]] and plain((1.5, 2.5)) == [1.5, 2.5]
