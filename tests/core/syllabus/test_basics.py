"""Syllabus cards, part 1: what the tape watches, intermediate results, persistence, vector targets, control flow."""

from __future__ import annotations

import pytest
import tensorflow as tf
from syllabus_helpers import close, ok

NON_PERSISTENT = "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)"


@pytest.mark.parametrize(
    ("kind", "watch", "accessed"),
    [
        ("variable", False, True),
        ("constant", False, True),
        ("nontrainable_variable", False, True),
        ("constant", True, True),
        ("variable", False, False),
    ],
)
def test_watching_matches_direct_tf(kind: str, watch: bool, accessed: bool) -> None:
    result = ok("watching", {"kind": kind, "watch": watch, "watch_accessed_variables": accessed, "x": [1.5, -2.0]})
    x = tf.constant([1.5, -2.0]) if kind == "constant" else tf.Variable([1.5, -2.0], trainable=kind == "variable")
    with tf.GradientTape(watch_accessed_variables=accessed) as tape:
        if watch:
            tape.watch(x)
        y = x * x
    expected = tape.gradient(y, x)
    assert close(result["gradients"]["dy_dx"], expected)
    assert ("returned None" in result["explanation"]) == (expected is None)
    assert result["values"]["watched_variables"] == len(tape.watched_variables())


def test_intermediate_and_non_scalar_match_direct_tf() -> None:
    result = ok("intermediate", {"t1": [1.0, 2.0], "t2": [5.0, 7.0]})
    assert result["gradients"] == {"dt1": [5.0, 7.0], "dt2": [2.0, 3.0], "dt3": [1.0, 1.0]}
    assert "matches" in result["explanation"]
    result = ok("non_scalar", {"x": [1.0, -2.0], "weights": [3.0, 0.5]})
    x = tf.Variable([1.0, -2.0])
    with tf.GradientTape() as tape:
        y = x * x
    assert close(result["gradients"]["weighted"], tape.gradient(y, x, output_gradients=tf.constant([3.0, 0.5])))
    assert result["gradients"]["dy_dx"] == result["gradients"]["dtotal_dx"] == [2.0, -4.0]


def test_persistent_reports_tfs_own_runtime_error() -> None:
    result = ok("persistent", {"persistent": False, "x": 2.0})
    assert result["gradients"] == {"dz_dx": 32.0}
    assert result["errors"]["dy_dx"] == {"type": "RuntimeError", "message": NON_PERSISTENT}
    assert NON_PERSISTENT in result["explanation"]
    result = ok("persistent", {"persistent": True, "x": 2.0})
    assert result["gradients"] == {"dz_dx": 32.0, "dy_dx": 4.0} and result["errors"] == {}


@pytest.mark.parametrize("x", [1.0, -1.0])
def test_control_flow_records_only_the_branch_taken(x: float) -> None:
    result = ok("control_flow", {"x": x, "v0": 2.0, "v1": 3.0})
    if x > 0:
        assert result["gradients"] == {"dv0": 1.0, "dv1": None, "dx": 2.0}
        assert "result = v0 * x" in result["explanation"]
    else:
        assert result["gradients"] == {"dv0": None, "dv1": 6.0, "dx": None}
        assert "result = v1 ** 2" in result["explanation"]


def test_the_values_keep_their_order_and_leave_out_what_is_not_a_result() -> None:
    assert list(ok("watching")["values"]) == ["x", "y", "watched_variables"]
    assert list(ok("non_scalar")["values"]) == ["x", "y", "total"]
    assert list(ok("control_flow")["values"]) == ["x", "v0", "v1", "result"]
