"""core.tape.finite_difference: central differences in float64 confirm the tape's gradients and catch wrong ones."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import tensorflow as tf

from core.tape.finite_difference import DIRECTIONS, Budget, check, skipped
from core.tape.request import GradRequest, parse_request
from core.tape.work_budget import evaluation_us

PLENTY = 1e12


def request(program: str, source: str, target: str, value: Any, **options: Any) -> GradRequest:
    inputs = {source: {"value": value}} if source == "x" else {"x": {"value": value}}
    return parse_request(
        {"inputs": inputs, "program": program, "calls": [{"target": target, "sources": [source]}], **options}
    )


def tape_gradient(value: list[float]) -> np.ndarray:
    x = tf.Variable(value, dtype=tf.float32)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.sin(x) * x)
    return tape.gradient(y, x).numpy()


def test_the_tapes_gradient_passes_and_a_wrong_one_fails() -> None:
    parsed = request("y = tf.reduce_sum(tf.sin(x) * x)", "x", "y", [0.5, -1.0, 2.0])
    good = check(parsed, parsed.calls[0], "x", tape_gradient([0.5, -1.0, 2.0]), Budget(PLENTY))
    assert good["ok"] is True and good["method"] == "elementwise" and good["max_abs_diff"] <= good["tolerance"]
    bad = check(parsed, parsed.calls[0], "x", tape_gradient([0.5, -1.0, 2.0]) + [0.0, 0.1, 0.0], Budget(PLENTY))
    assert bad["ok"] is False and bad["max_abs_diff"] == pytest.approx(0.1, rel=1e-3)


def test_a_source_computed_by_the_program_is_perturbed_where_it_was_bound() -> None:
    parsed = request("h = x * 3.0\ny = tf.reduce_sum(h * h)", "h", "y", [1.0, 2.0])
    result = check(parsed, parsed.calls[0], "h", np.array([6.0, 12.0]), Budget(PLENTY))  # dy/dh = 2h, h = [3, 6]
    assert result["ok"] is True


def test_second_order_and_jacobians_are_checked_too() -> None:
    second = request("y = x ** 3", "x", "y", [2.0, -1.0], order=2)
    assert check(second, second.calls[0], "x", np.array([12.0, -6.0]), Budget(PLENTY))["ok"] is True  # 6x
    jacobian = request("y = x * x", "x", "y", [1.0, 3.0], mode="jacobian")
    assert check(jacobian, jacobian.calls[0], "x", np.diag([2.0, 6.0]), Budget(PLENTY))["ok"] is True
    assert check(jacobian, jacobian.calls[0], "x", np.array([[2.0, 0.0], [1.0, 6.0]]), Budget(PLENTY))["ok"] is False


def test_a_small_budget_uses_random_directions_then_runs_out() -> None:
    parsed = request("y = tf.reduce_sum(x * x)", "x", "y", [float(i) for i in range(10)])
    gradient = 2.0 * np.arange(10.0)
    run = evaluation_us(parsed, parsed.calls[0])  # estimated microseconds of one float64 re-run
    budget = Budget(2 * DIRECTIONS * run + 1)  # too little for 2 × 10 element-wise re-runs
    directional = check(parsed, parsed.calls[0], "x", gradient, budget)
    assert directional["method"] == "directional" and directional["ok"] is True
    assert budget.remaining == pytest.approx(1)
    assert check(parsed, parsed.calls[0], "x", gradient, Budget(run))["skipped"].endswith(
        "budget for this request is used up"
    )
    assert not Budget(3).spend(4)


def test_checks_stop_at_the_deadline_even_with_budget_left() -> None:
    parsed = request("y = tf.reduce_sum(x * x)", "x", "y", [1.0, 2.0])
    late = Budget(PLENTY, deadline=0.0)
    assert "ran out of their" in check(parsed, parsed.calls[0], "x", np.array([2.0, 4.0]), late)["skipped"]


def test_a_requests_budget_is_what_its_limit_leaves_after_the_required_work() -> None:
    from core.tape.work_budget import REQUEST_LIMIT_US, estimate

    parsed = request("y = tf.reduce_sum(x * x)", "x", "y", [1.0, 2.0])
    budget = Budget.for_request(parsed)
    assert budget.remaining == pytest.approx(REQUEST_LIMIT_US - estimate(parsed).required_us)
    assert check(parsed, parsed.calls[0], "x", np.array([2.0, 4.0]), budget)["method"] == "elementwise"


def test_checks_that_cannot_be_done_are_skipped_with_a_reason() -> None:
    ints = parse_request(
        {
            "inputs": {"n": {"value": [1, 2], "dtype": "int32"}},
            "program": "y = tf.cast(n, tf.float32)",
            "calls": [{"target": "y", "sources": ["n"]}],
        }
    )
    assert "int32" in check(ints, ints.calls[0], "n", np.array([1.0, 1.0]), Budget(PLENTY))["skipped"]
    parsed = request("y = tf.math.log(x)", "x", "y", [1.0])
    assert (
        check(parsed, parsed.calls[0], "x", np.array([np.inf]), Budget(PLENTY))["skipped"]
        == "the tape's result is not finite"
    )
    at_zero = request("y = tf.math.log(x)", "x", "y", [0.0])
    assert check(at_zero, at_zero.calls[0], "x", np.array([1.0]), Budget(PLENTY))["skipped"] is not None
    assert skipped("why") == {
        "ok": None,
        "max_abs_diff": None,
        "tolerance": None,
        "method": None,
        "skipped": "why",
        "note": None,
    }
