"""ui.explorer.playground_output: each name's final dtype, and the line under each gradient (✓, ✗, None, skipped)."""

from __future__ import annotations

from typing import Any

from ui.explorer.playground_output import check_line, dtypes_by_name


def call(gradient: Any, check: dict | None = None, reason: str | None = None) -> dict[str, Any]:
    return {
        "gradients": {"x": gradient},
        "checks": {"x": check} if check else {},
        "reasons": {"x": reason} if reason else {},
    }


def test_dtypes_come_from_the_node_each_name_is_finally_bound_to() -> None:
    graph = {
        "nodes": [
            {"name": "x", "final": False, "dtype": "int32"},
            {"name": "x", "final": True, "dtype": "float32"},
            {"name": None, "final": True, "dtype": "float64"},
            {"name": "y", "final": True, "dtype": None},
        ]
    }
    assert dtypes_by_name(graph) == {"x": "float32"} and dtypes_by_name({}) == {}


def test_a_passed_and_a_failed_check() -> None:
    passed = check_line("dy/dx", call([1.0], {"ok": True, "max_abs_diff": 1.234e-7, "tolerance": 1e-4}), "x")
    assert passed == ":green[✓] `dy/dx` matches finite differences (largest difference 1.2e-07, tolerance 0.0001)"
    failed = check_line(
        "dy/dx", call([1.0], {"ok": False, "max_abs_diff": 0.5, "tolerance": 1e-4, "note": "a kink"}), "x"
    )
    assert failed == ":red[✗] `dy/dx` differs from finite differences by 0.5 (tolerance 0.0001) (a kink)"


def test_none_and_skipped_checks_say_why_with_markdown_escaped() -> None:
    none = check_line("dy/dx", call(None, reason="x is a tf.constant; call tape.watch(x)*"), "x")
    assert none == "`dy/dx` is **None**: x is a tf.constant; call tape.watch(x)\\*"
    assert check_line("dy/dx", call(None), "x") == "`dy/dx` is **None**: TensorFlow returned None"
    skipped = check_line("dy/dx", call([0.0], {"ok": None, "skipped": "budget_used"}, reason="zeros_filled"), "x")
    assert skipped == "– `dy/dx` was not checked: budget\\_used. zeros\\_filled"
    assert check_line("g", call([0.0]), "x") == "– `g` was not checked: no check was possible"
