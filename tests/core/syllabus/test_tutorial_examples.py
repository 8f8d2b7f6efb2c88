"""The tutorial's GradientTape examples: its printed numbers, None gradients and TF's real errors."""

from __future__ import annotations

import pytest

from core.syllabus.tutorial_examples import ExampleInputError, run_example


def test_product_prints_the_tutorials_numbers() -> None:
    result = run_example("product")
    assert result["values"] == {"t1": [1.0, 2.0, 3.0], "t2": [10.0, 20.0, 30.0], "t3": [10.0, 40.0, 90.0]}
    assert result["gradients"] == {"t1": [10.0, 20.0, 30.0], "t2": [1.0, 2.0, 3.0]}
    assert result["error"] is None
    assert (
        "        t3 = t1 * t2\n" in result["code"] and "return tf.Variable(values, dtype=tf.float32)" in result["code"]
    )
    assert "results = product(\n    t1=[1.0, 2.0, 3.0],\n    t2=[10.0, 20.0, 30.0],\n" in result["code"]


def test_constant_source_gives_none_with_a_reason() -> None:
    result = run_example("constant")
    assert result["gradients"] == {"t1": None, "t2": [1.0, 2.0, 3.0]}
    assert "tf.constant" in result["none_reasons"]["t1"]
    assert "return tf.constant(values, dtype=tf.float32)" in result["code"] and "t1_kind='constant'" in result["code"]


def test_chain_gives_gradients_for_t1_t2_and_the_intermediate_t3() -> None:
    result = run_example("chain")
    assert result["values"]["t4"] == [20.0, 60.0, 120.0]
    assert result["gradients"] == {"t1": [10.0, 20.0, 30.0], "t2": [2.0, 3.0, 4.0], "t3": [1.0, 1.0, 1.0]}


def test_second_call_on_a_non_persistent_tape_raises_tfs_runtime_error() -> None:
    result = run_example("second_call")
    assert result["error"]["type"] == "RuntimeError"
    assert result["error"]["message"] == (
        "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)"
    )
    assert result["gradients"] == {"t1": [10.0, 20.0, 30.0], "t2": [1.0, 2.0, 3.0]}


def test_second_call_on_a_persistent_tape_works() -> None:
    result = run_example("second_call", {"persistent": True})
    assert result["error"] is None
    assert result["second_gradients"] == {"t1": [10.0, 20.0, 30.0], "t2": [1.0, 2.0, 3.0]}
    assert "    persistent=True,\n)" in result["code"] and "tf.GradientTape(persistent=persistent)" in result["code"]


def test_edited_inputs_run_for_real_and_tf_errors_come_back() -> None:
    edited = run_example("product", {"t1": [2, -1], "t2": [3, 4], "t2_kind": "constant"})
    assert edited["values"]["t3"] == [6.0, -4.0]
    assert edited["gradients"] == {"t1": [3.0, 4.0], "t2": None}
    mismatch = run_example("product", {"t2": [1, 2]})
    assert mismatch["error"]["type"] == "InvalidArgumentError" and "Incompatible shapes" in mismatch["error"]["message"]


@pytest.mark.parametrize(
    "inputs",
    [{"t1": []}, {"t1": ["a"]}, {"t1": [float("nan")]}, {"t1_kind": "tensor"}, {"persistent": "yes"}, {"x": 1}],
)
def test_bad_inputs_are_explained(inputs: dict) -> None:
    with pytest.raises(ExampleInputError):
        run_example("product", inputs)


def test_unknown_example_is_explained() -> None:
    with pytest.raises(ExampleInputError, match="product, constant, chain, second_call"):
        run_example("nope")


def test_every_example_answers_in_the_same_shape_and_shows_its_lesson() -> None:
    keys = ["name", "code", "values", "gradients", "none_reasons", "second_gradients", "error"]
    for name, lesson in (
        ("product", "product"),
        ("constant", "product"),
        ("chain", "chain"),
        ("second_call", "second_call"),
    ):
        result = run_example(name)
        assert list(result) == keys and result["name"] == name
        assert f"\ndef {lesson}(t1: list[float]" in result["code"] and f"\nresults = {lesson}(\n" in result["code"]


def test_the_chain_shows_the_tutorials_tape_and_a_none_reason_for_a_constant() -> None:
    result = run_example("chain", {"t1_kind": "constant"})
    tape = "    with tf.GradientTape(persistent=persistent) as tape:\n        t3 = t1 * t2\n        t4 = t3 + t2\n"
    assert tape in result["code"]
    assert result["gradients"] == {"t1": None, "t2": [2.0, 3.0, 4.0], "t3": [1.0, 1.0, 1.0]}
    assert list(result["none_reasons"]) == ["t1"]
