"""The explorer's interpreter against direct TensorFlow: values, gradients, None reasons, errors, graph and checks."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.tape.interpreter import run_request
from core.tape.parser import ProgramError
from core.tape.recorder import GRAPH_VALUE_LIMIT
from core.tape.request import parse_request

NON_PERSISTENT = "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)"


def run(request: dict[str, Any]) -> dict[str, Any]:
    return run_request(parse_request(request))


def request(program: str, calls: list[tuple[str, list[str]]], **inputs_and_options: Any) -> dict[str, Any]:
    """Inputs are given as name=dict(...) keyword arguments; anything else is a tape option."""
    inputs = {k: v for k, v in inputs_and_options.items() if isinstance(v, dict)}
    options = {k: v for k, v in inputs_and_options.items() if not isinstance(v, dict)}
    return {
        "inputs": inputs,
        "program": program,
        "calls": [{"target": t, "sources": s} for t, s in calls],
        **options,
    }


def same(ours: Any, theirs: Any) -> bool:
    """Our plain data equals a TF result (tensor or None)."""
    if theirs is None or ours is None:
        return ours is None and theirs is None
    return np.allclose(np.asarray(ours, dtype=float), theirs.numpy(), rtol=1e-6, atol=1e-7)


TUTORIAL = request(
    "t3 = t1 * t2\nt4 = t3 + t2",
    [("t4", ["t1", "t2", "t3"])],
    t1={"value": [1, 2, 3], "dtype": "float32", "kind": "variable", "watch": False},
    t2={"value": [10, 20, 30], "dtype": "float32", "kind": "variable", "watch": False},
)


def test_the_tutorial_gives_its_numbers() -> None:
    response = run(TUTORIAL)
    assert response["error"] is None
    assert response["values"] == {
        "t1": [1.0, 2.0, 3.0],
        "t2": [10.0, 20.0, 30.0],
        "t3": [10.0, 40.0, 90.0],
        "t4": [20.0, 60.0, 120.0],
    }
    (call,) = response["calls"]
    assert call["gradients"] == {"t1": [10.0, 20.0, 30.0], "t2": [2.0, 3.0, 4.0], "t3": [1.0, 1.0, 1.0]}
    assert call["error"] is None and call["reasons"] == {}
    assert all(check["ok"] is True and check["method"] == "elementwise" for check in call["checks"].values())


def test_the_graph_records_inputs_ops_and_outputs_with_values_and_gradients() -> None:
    graph = run(TUTORIAL)["graph"]
    nodes = {node["id"]: node for node in graph["nodes"]}
    assert [(n["id"], n["kind"]) for n in graph["nodes"]] == [
        ("t1", "input"),
        ("t2", "input"),
        ("op1", "op"),
        ("t3", "output"),
        ("op2", "op"),
        ("t4", "output"),
    ]
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert edges == {("t1", "op1"), ("t2", "op1"), ("op1", "t3"), ("t3", "op2"), ("t2", "op2"), ("op2", "t4")}
    assert nodes["op1"]["label"] == "*" and nodes["op1"]["value"] == [10.0, 40.0, 90.0]
    assert nodes["t4"]["target_of"] == [0]
    assert nodes["t1"]["gradients"] == [{"call": 0, "target": "t4", "value": [10.0, 20.0, 30.0]}]
    assert all(node["recorded"] for node in graph["nodes"])


def test_a_network_like_program_matches_direct_tf() -> None:
    m = [[1.0, 2.0], [0.5, -1.0], [0.0, 3.0]]
    w = [[0.1], [-0.2]]
    program = (
        "h = tf.nn.sigmoid(tf.matmul(m, w) + 0.5)\nloss = tf.reduce_mean((h - 1.0) ** 2)\nr = tf.nn.relu(loss - h)"
    )
    response = run(request(program, [("loss", ["m", "w", "h"])], m={"value": m, "kind": "constant"}, w={"value": w}))
    m_t, w_t = tf.constant(m), tf.Variable(w)
    with tf.GradientTape() as tape:
        h = tf.nn.sigmoid(tf.matmul(m_t, w_t) + 0.5)
        loss = tf.reduce_mean((h - 1.0) ** 2)
    dm, dw, dh = tape.gradient(loss, [m_t, w_t, h])
    gradients = response["calls"][0]["gradients"]
    assert same(response["values"]["loss"], loss)
    assert same(gradients["m"], dm) and same(gradients["w"], dw) and same(gradients["h"], dh)
    assert "tf.constant" in response["calls"][0]["reasons"]["m"]


def test_a_second_call_on_a_non_persistent_tape_gets_tfs_runtime_error() -> None:
    calls = [("t4", ["t1"]), ("t3", ["t2"])]
    response = run({**TUTORIAL, "calls": [{"target": t, "sources": s} for t, s in calls]})
    first, second = response["calls"]
    assert first["gradients"] == {"t1": [10.0, 20.0, 30.0]} and first["error"] is None
    assert second["error"] == {"type": "RuntimeError", "message": NON_PERSISTENT}
    assert second["gradients"] == {}
    persistent = run({**TUTORIAL, "calls": [{"target": t, "sources": s} for t, s in calls], "persistent": True})
    assert [c["error"] for c in persistent["calls"]] == [None, None]
    assert persistent["calls"][1]["gradients"] == {"t2": [1.0, 2.0, 3.0]}


def direct_gradient(kind: str, dtype: tf.DType, watch: bool, accessed: bool) -> Any:
    value = [1.0, 2.0] if dtype.is_floating else [1, 2]
    x = tf.constant(value, dtype=dtype) if kind == "constant" else tf.Variable(value, dtype=dtype)
    if kind == "nontrainable_variable":
        x = tf.Variable(value, dtype=dtype, trainable=False)
    with tf.GradientTape(watch_accessed_variables=accessed) as tape:
        if watch:
            tape.watch(x)
        y = x * x
    return tape.gradient(y, x)


@pytest.mark.parametrize(
    ("kind", "dtype", "watch", "accessed", "reason"),
    [
        ("variable", "float32", False, True, None),
        ("constant", "float32", False, True, "tf.constant and was not passed to tape.watch()"),
        ("constant", "float64", True, True, None),
        ("nontrainable_variable", "float32", False, True, "trainable=False"),
        ("nontrainable_variable", "float32", True, True, None),
        ("variable", "float32", False, False, "watch_accessed_variables=False"),
        ("variable", "float32", True, False, None),
        ("variable", "int32", True, True, "dtype int32"),
    ],
)
def test_what_the_tape_watches_matches_tf_and_none_has_a_reason(
    kind: str, dtype: str, watch: bool, accessed: bool, reason: str | None
) -> None:
    value = [1, 2] if dtype == "int32" else [1.0, 2.0]
    x = {"value": value, "kind": kind, "dtype": dtype, "watch": watch}
    response = run(request("y = x * x", [("y", ["x"])], x=x, watch_accessed_variables=accessed))
    call = response["calls"][0]
    expected = direct_gradient(kind, tf.as_dtype(dtype), watch, accessed)
    assert same(call["gradients"]["x"], expected)
    if reason is None:
        assert call["reasons"] == {} and call["checks"]["x"]["ok"] is True
    else:
        assert reason in call["reasons"]["x"] and call["checks"]["x"]["skipped"] == call["reasons"]["x"]


@pytest.mark.parametrize(
    ("program", "sources", "reason"),
    [
        ("y = w * w", ["x"], "y is not computed from x"),
        ("y = x * x\nx = x + 1.0", ["x"], "reassigned on line 2 (the tf.Variable was replaced"),
        ("y = tf.stop_gradient(x) * 2.0", ["x"], "goes through tf.stop_gradient"),
        ("k = tf.cast(x, tf.int32)\ny = tf.cast(k, tf.float32)", ["x"], "integer tensor"),
        ("c = tf.constant([1.0, 2.0])\nd = c * 2.0\ny = d * x", ["d"], "computed only from tensors the tape was not"),
    ],
)
def test_unconnected_sources_get_none_with_a_reason(program: str, sources: list[str], reason: str) -> None:
    inputs = {"x": {"value": [1.0, 2.0]}, "w": {"value": [3.0, 4.0]}}
    response = run({**request(program, [("y", sources)]), "inputs": inputs})
    call = response["calls"][0]
    assert response["error"] is None and call["gradients"] == {sources[0]: None}
    assert reason in call["reasons"][sources[0]]


def test_unconnected_zero_fills_zeros_and_says_why() -> None:
    response = run(
        request(
            "y = w * w", [("y", ["x", "w"])], x={"value": [1.0, 2.0]}, w={"value": 3.0}, unconnected_gradients="zero"
        )
    )
    call = response["calls"][0]
    assert call["gradients"] == {"x": [0.0, 0.0], "w": 6.0}
    assert call["reasons"]["x"].startswith("unconnected_gradients='zero' filled in zeros: ")
    assert "w" not in call["reasons"]


def test_second_order_uses_nested_tapes_like_direct_tf() -> None:
    response = run(
        request(
            "y = x ** 3\nz = 3.0 * x", [("y", ["x"]), ("z", ["x"])], x={"value": [2.0, -1.0]}, order=2, persistent=True
        )
    )
    cubic, linear = response["calls"]
    x = tf.Variable([2.0, -1.0])
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x**3
        first = inner.gradient(y, x)
    assert same(cubic["first_gradients"]["x"], first)
    assert same(cubic["gradients"]["x"], outer.gradient(first, x))
    assert cubic["checks"]["x"]["ok"] is True
    assert linear["first_gradients"] == {"x": [3.0, 3.0]} and linear["gradients"] == {"x": None}
    assert "does not depend on x" in linear["reasons"]["x"]


def test_jacobian_mode_and_its_second_order_match_direct_tf() -> None:
    program = "y = tf.nn.sigmoid(x) * [1.0, 2.0, 3.0]\nz = tf.reduce_sum(y * y)"
    first = run(request(program, [("y", ["x"])], x={"value": [0.5, -1.0, 2.0]}, mode="jacobian"))
    second = run(request(program, [("z", ["x"])], x={"value": [0.5, -1.0, 2.0]}, mode="jacobian", order=2))
    x = tf.Variable([0.5, -1.0, 2.0])
    with tf.GradientTape() as outer:
        with tf.GradientTape(persistent=True) as inner:
            y = tf.nn.sigmoid(x) * [1.0, 2.0, 3.0]
            z = tf.reduce_sum(y * y)
        jacobian = inner.jacobian(y, x)
        first_z = inner.jacobian(z, x)
    assert first["calls"][0]["method"] == "jacobian"
    assert same(first["calls"][0]["gradients"]["x"], jacobian)
    assert same(second["calls"][0]["gradients"]["x"], outer.jacobian(first_z, x))
    assert first["calls"][0]["checks"]["x"]["ok"] and second["calls"][0]["checks"]["x"]["ok"]


def test_forward_errors_are_tfs_own_with_line_and_col_and_nothing_is_raised() -> None:
    response = run(request("a = x * 2.0\nb = a + [1.0, 2.0, 3.0]", [("b", ["x"])], x={"value": [1.0, 2.0]}))
    assert response["error"]["type"] == "InvalidArgumentError"
    assert "Incompatible shapes" in response["error"]["message"]
    assert (response["error"]["line"], response["error"]["col"]) == (2, 5)
    assert response["values"] == {"x": [1.0, 2.0], "a": [2.0, 4.0]} and response["calls"] == []
    mixed = run(request("y = x + tf.ones([2])", [("y", ["x"])], x={"value": [1.0, 2.0], "dtype": "float64"}))
    assert mixed["error"]["type"] == "InvalidArgumentError"


def test_finite_difference_checks_flag_stop_gradient_and_kinks_and_skip_non_finite() -> None:
    response = run(
        request(
            "y = x * tf.stop_gradient(x)\nr = tf.nn.relu(x - 1.0)\nl = tf.math.log(x - 5.0)",
            [("y", ["x"]), ("r", ["x"]), ("l", ["x"])],
            x={"value": [1.0, 2.0]},
            persistent=True,
        )
    )
    stop, kink, log = (call["checks"]["x"] for call in response["calls"])
    assert stop["ok"] is False and "stop_gradient" in stop["note"]
    assert kink["ok"] is False and "kink" in kink["note"]
    assert log["skipped"] is not None and np.isnan(response["values"]["l"]).all()


def test_large_sources_use_directional_checks_and_the_graph_truncates_values() -> None:
    x = {"value": [0.001 * i for i in range(GRAPH_VALUE_LIMIT + 200)]}
    program = "\n".join(f"y{i} = tf.sin(x) * {i + 1}.0" for i in range(20)) + "\nz = tf.reduce_sum(y19 * y0)"
    response = run(request(program, [("z", ["x"])], x=x))
    check = response["calls"][0]["checks"]["x"]
    assert check["method"] == "directional" and check["ok"] is True
    node = next(n for n in response["graph"]["nodes"] if n["id"] == "x")
    assert node["value"] is None and node["truncated"] is True and node["shape"] == [GRAPH_VALUE_LIMIT + 200]


def test_the_generated_code_reproduces_the_response(tmp_path: Path) -> None:
    cases = [
        {
            **TUTORIAL,
            "persistent": True,
            "watch_accessed_variables": False,
            "inputs": {"t1": {"value": [1, 2, 3], "watch": True}, "t2": {"value": [10, 20, 30], "kind": "constant"}},
        },
        request("y = x ** 3", [("y", ["x"])], x={"value": 2.0}, order=2, unconnected_gradients="zero"),
    ]
    for index, case in enumerate(cases):
        response = run(case)
        script = tmp_path / f"case{index}.py"
        script.write_text(response["code"], encoding="utf-8")
        namespace = runpy.run_path(str(script))
        call = case["calls"][0]
        produced = namespace["second_gradients" if case.get("order") == 2 else "gradients"]
        for name, value in zip(call["sources"], produced):
            assert same(response["calls"][0]["gradients"][name], value)
    assert "with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:" in run(cases[0])["code"]


# --- property: random programs agree with the same expression built directly in TF ----------------------------

UNARY = {"tf.sin": tf.sin, "tf.tanh": tf.tanh, "tf.nn.sigmoid": tf.nn.sigmoid, "tf.square": tf.square}
UNARY |= {"tf.nn.softplus": tf.nn.softplus, "tf.reduce_sum": tf.reduce_sum, "tf.cos": tf.cos}


def expressions(names: list[str]) -> st.SearchStrategy:
    leaves = st.sampled_from([("name", n) for n in names]) | st.floats(-3, 3, allow_nan=False).map(
        lambda v: ("num", round(v, 3))
    )
    return st.recursive(
        leaves,
        lambda inner: (
            st.tuples(st.just("bin"), st.sampled_from(["+", "-", "*"]), inner, inner)
            | st.tuples(st.just("pow"), inner, st.sampled_from([2, 3]))
            | st.tuples(st.just("neg"), inner)
            | st.tuples(st.just("call"), st.sampled_from(sorted(UNARY)), inner)
        ),
        max_leaves=6,
    )


def render(expr: tuple) -> str:
    kind = expr[0]
    if kind in ("name", "num"):
        return str(expr[1])
    if kind == "bin":
        return f"({render(expr[2])} {expr[1]} {render(expr[3])})"
    if kind == "pow":
        return f"({render(expr[1])}) ** {expr[2]}"
    if kind == "neg":
        return f"-({render(expr[1])})"
    return f"{expr[1]}({render(expr[2])})"


def direct(expr: tuple, env: dict[str, Any]) -> Any:
    kind = expr[0]
    if kind == "name":
        return env[expr[1]]
    if kind == "num":
        return expr[1]
    if kind == "bin":
        left, right = direct(expr[2], env), direct(expr[3], env)
        return {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}[expr[1]](left, right)
    if kind == "pow":
        return direct(expr[1], env) ** expr[2]
    if kind == "neg":
        return -direct(expr[1], env)
    return UNARY[expr[1]](direct(expr[2], env))


@st.composite
def programs(draw: st.DrawFn) -> list[tuple[str, tuple]]:
    names = ["x", "w"]
    statements = []
    for index in range(draw(st.integers(1, 3))):
        statements.append((f"t{index}", draw(expressions(names))))
        names.append(f"t{index}")
    return statements


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_programs_agree_with_direct_tf(statements: list[tuple[str, tuple]]) -> None:
    source = "\n".join(f"{name} = {render(expr)}" for name, expr in statements)
    target = statements[-1][0]
    sources = ["x", "w"] + [name for name, _ in statements[:-1]]
    try:
        parsed = parse_request(request(source, [(target, sources)], x={"value": [0.5, -1.0]}, w={"value": 0.25}))
    except ProgramError:
        return  # e.g. a folded constant overflowed; refusals are covered by the parser tests
    response = run_request(parsed)
    x, w = tf.Variable([0.5, -1.0]), tf.Variable(0.25)
    env: dict[str, Any] = {"x": x, "w": w}
    with tf.GradientTape() as tape:
        for name, expr in statements:
            value = direct(expr, env)
            env[name] = value if isinstance(value, tf.Tensor | tf.Variable) else tf.convert_to_tensor(value)
    expected = tape.gradient(env[target], [env[name] for name in sources])
    assert response["error"] is None, response["error"]
    for name in ["x", "w"] + [n for n, _ in statements]:
        assert np.allclose(response["values"][name], env[name].numpy(), equal_nan=True)
    for name, gradient in zip(sources, expected):
        assert same(response["calls"][0]["gradients"][name], gradient), name
        if gradient is None:
            assert response["calls"][0]["reasons"][name]
