"""Syllabus cards: each card's TF behaviour against direct TF calls, its generated code, and input validation."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tensorflow as tf

from core.syllabus.card import plain
from core.syllabus.catalog import CARDS, card_listing, run_card

NON_PERSISTENT = "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)"


def close(ours: Any, theirs: Any) -> bool:
    """Our plain data equals a TF result (tensor, None, or a list of those)."""
    theirs = plain(theirs)
    if isinstance(theirs, list) and any(item is None for item in theirs):
        return len(ours) == len(theirs) and all(close(a, b) for a, b in zip(ours, theirs))
    if ours is None or theirs is None:
        return ours is None and theirs is None
    return np.allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float), rtol=1e-6)


def ok(name: str, inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    result = run_card(name, inputs)
    assert result["error"] is None, result["error"]
    return result


VARIANTS = [(name, None) for name in CARDS] + [
    (name, preset) for name, card in CARDS.items() for preset in card.presets.values()
]
VARIANTS += [
    ("persistent", {"persistent": True}),
    ("control_flow", {"x": -1.0}),
    ("replaced", {"use_assign_add": True, "steps": 3}),
    ("integer", {"dtype": "float32"}),
    ("numpy_step", {"use_numpy": False}),
    ("stop_recording", {"stop": False}),
    ("stop_gradient", {"use_stop_gradient": False}),
    ("higher_order", {"power": 1}),
    ("custom_gradient", {"clip_norm": 1000.0}),
]


@pytest.mark.parametrize(("name", "inputs"), VARIANTS)
def test_the_generated_code_runs_and_reproduces_every_gradient(name: str, inputs: Any, tmp_path: Path) -> None:
    result = ok(name, inputs)
    assert result["explanation"] and result["code"].startswith(("import tensorflow as tf", "import numpy as np"))
    script = tmp_path / "card.py"
    script.write_text(result["code"], encoding="utf-8")
    namespace = runpy.run_path(str(script))
    for variable, value in result["gradients"].items():
        assert close(value, namespace[variable]), variable


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


def test_the_none_cases_match_direct_tf() -> None:
    assert ok("unconnected")["gradients"] == {"dx": None, "dy": 6.0}
    assert ok("unconnected", {"unconnected": "zero"})["gradients"] == {"dx": 0.0, "dy": 6.0}
    replaced = ok("replaced", {"steps": 3})
    assert replaced["gradients"]["grads"] == [1.0, None, None]
    assert replaced["values"]["types_of_x"] == ["ResourceVariable", "EagerTensor", "EagerTensor"]
    assert ok("replaced", {"steps": 3, "use_assign_add": True})["gradients"]["grads"] == [1.0, 1.0, 1.0]
    assert ok("integer")["gradients"] == {"dy_dx": None}
    assert ok("integer", {"dtype": "float32", "x": 3})["gradients"] == {"dy_dx": 6.0}
    stateful = ok("stateful", {"x0": 3.0, "x1": 1.0})
    assert stateful["gradients"] == {"dy_dx0": None, "direct": 8.0} and stateful["values"]["y"] == 16.0
    assert ok("numpy_step")["gradients"] == {"dy_dx": None}
    assert ok("numpy_step", {"use_numpy": False})["gradients"] == {"dy_dx": [[0.5, 1.0], [1.5, 2.0]]}


def test_stopping_gradients_on_purpose() -> None:
    assert ok("stop_recording", {"x": 3.0})["gradients"] == {"dtotal_dx": 6.0}
    assert ok("stop_recording", {"x": 3.0, "stop": False})["gradients"] == {"dtotal_dx": 33.0}
    assert ok("stop_gradient", {"x": 3.0})["gradients"] == {"dy_dx": 3.0}
    assert ok("stop_gradient", {"x": 3.0, "use_stop_gradient": False})["gradients"] == {"dy_dx": 6.0}


def test_higher_order_matches_nested_tapes_and_calculus() -> None:
    result = ok("higher_order", {"x": 2.0, "power": 4})
    assert result["gradients"] == {"dy_dx": 32.0, "d2y_dx2": 48.0}
    linear = ok("higher_order", {"x": 2.0, "power": 1})
    x = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x**1
        first = inner.gradient(y, x)
    assert close(linear["gradients"]["d2y_dx2"], outer.gradient(first, x))
    assert f"d²y/dx² = {linear['gradients']['d2y_dx2']:.4g}" in linear["explanation"]


def test_jacobians_match_direct_tf() -> None:
    inputs = {"x": [0.5, -1.0], "w": [[1.0, 2.0], [3.0, -4.0], [0.0, 1.0]]}
    result = ok("jacobian", inputs)
    x, w = tf.Variable(inputs["x"]), tf.constant(inputs["w"])
    with tf.GradientTape() as tape:
        y = tf.nn.sigmoid(tf.linalg.matvec(w, x))
    assert close(result["gradients"]["j"], tape.jacobian(y, x))
    batch = {"x": [[1.0, 0.0], [0.2, 0.3]], "w": [[0.5, -0.5, 1.0], [0.1, 0.2, 0.3]]}
    result = ok("batch_jacobian", batch)
    x, w = tf.Variable(batch["x"]), tf.constant(batch["w"])
    with tf.GradientTape() as tape:
        y = tf.tanh(tf.matmul(x, w))
    assert close(result["gradients"]["bj"], tape.batch_jacobian(y, x))
    assert np.shape(result["gradients"]["j"]) == (2, 3, 2, 2)


def test_custom_gradient_clips_the_norm_like_clip_by_norm() -> None:
    result = ok("custom_gradient", {"x": [3.0, 4.0], "clip_norm": 2.0, "scale": 1.0})
    assert close(result["gradients"]["unclipped"], tf.constant([6.0, 8.0]))
    assert close(result["gradients"]["clipped"], tf.clip_by_norm(tf.constant([6.0, 8.0]), 2.0))
    assert "scaled it to norm 2" in result["explanation"]
    unclipped = ok("custom_gradient", {"x": [3.0, 4.0], "clip_norm": 100.0, "scale": 1.0})
    assert unclipped["gradients"]["clipped"] == unclipped["gradients"]["unclipped"]


@pytest.mark.parametrize(
    ("name", "inputs", "words"),
    [
        ("nope", None, "unknown card 'nope'"),
        ("watching", {"zz": 1}, "unknown input 'zz'"),
        ("watching", {"x": "abc"}, "x must be a list"),
        ("watching", {"x": [1.0, float("nan")]}, "x[1]=nan"),
        ("watching", {"kind": "tensor"}, "kind='tensor'"),
        ("watching", {"watch": 1}, "watch=1"),
        ("watching", [1, 2], "inputs must be an object"),
        ("persistent", {"x": True}, "x=True"),
        ("higher_order", {"power": 2.5}, "power=2.5"),
        ("higher_order", {"power": 99}, "power=99"),
        ("custom_gradient", {"clip_norm": 0.0}, "greater than 0"),
        ("intermediate", {"t1": [1.0]}, "same number of elements"),
        ("jacobian", {"x": [1.0, 2.0, 3.0]}, "one column per element"),
        ("batch_jacobian", {"w": [[1.0]]}, "one row per column"),
        ("numpy_step", {"x": [[1.0], [1.0, 2.0]]}, "rows of equal length"),
        ("watching", {"x": [1e300]}, "at most"),
    ],
)
def test_bad_inputs_come_back_as_a_clear_error(name: str, inputs: Any, words: str) -> None:
    result = run_card(name, inputs)
    assert result["error"]["type"] == "CardInputError" and words in result["error"]["message"]
    assert result["code"] is None and result["gradients"] == {}


def test_the_listing_describes_every_card_with_plain_defaults() -> None:
    listing = card_listing()
    assert [entry["name"] for entry in listing] == list(CARDS)
    watching = listing[0]
    assert watching["defaults"] == {
        "x": [1.0, 2.0, 3.0],
        "kind": "variable",
        "watch": False,
        "watch_accessed_variables": True,
    }
    assert watching["fields"]["kind"]["choices"] == ["variable", "constant", "nontrainable_variable"]
    assert len(watching["presets"]) == 5


def test_card_functions_are_defined_at_module_level() -> None:
    for card in CARDS.values():
        assert "<locals>" not in card.run.__qualname__ and "<locals>" not in card.code.__qualname__
