"""The explorer's program parser: the whitelist, static shapes, the limits, and errors that name line and column."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.tape.functions import FUNCTIONS
from core.tape.parser import (
    BinOp,
    Call,
    Literal,
    Name,
    Program,
    ProgramError,
    UnaryOp,
    parse_program,
    program_error,
)

INPUTS = {"x": (3,), "w": (3,), "m": (2, 3)}


def refused(source: str, inputs: dict | None = None) -> ProgramError:
    with pytest.raises(ProgramError) as caught:
        parse_program(source, INPUTS if inputs is None else inputs)
    return caught.value


def walk(expr: object) -> list[object]:
    """Every node of a parsed expression."""
    nodes = [expr]
    if isinstance(expr, BinOp):
        nodes += walk(expr.left) + walk(expr.right)
    elif isinstance(expr, UnaryOp):
        nodes += walk(expr.operand)
    elif isinstance(expr, Call):
        for _, arg in expr.args:
            nodes += walk(arg)
    return nodes


def assert_whitelisted(program: Program, known: set[str]) -> None:
    """Every node is one of the parser's own types, every call is in the table, every name is known in order."""
    known = set(known)
    for statement in program.statements:
        for node in walk(statement.value):
            assert isinstance(node, Name | Literal | BinOp | UnaryOp | Call)
            if isinstance(node, Call):
                assert node.function in FUNCTIONS
            if isinstance(node, Name):
                assert node.id in known and "__" not in node.id
        known.add(statement.target)


# --- accepted programs -----------------------------------------------------------------------------------------


def test_the_tutorial_program_parses_with_shapes() -> None:
    program = parse_program("t3 = t1 * t2\nt4 = t3 + t2", {"t1": (3,), "t2": (3,)})
    assert [s.target for s in program.statements] == ["t3", "t4"]
    assert program.shapes == {"t1": (3,), "t2": (3,), "t3": (3,), "t4": (3,)}
    first = program.statements[0]
    assert isinstance(first.value, BinOp) and first.value.op == "*"
    assert (first.line, first.col, first.text) == (1, 1, "t3 = t1 * t2")


@pytest.mark.parametrize(
    ("source", "function"),
    [
        ("y = tf.sin(x)", "tf.math.sin"),
        ("y = tf.math.sin(x)", "tf.math.sin"),
        ("y = tf.math.log(x)", "tf.math.log"),
        ("y = tf.nn.softplus(x)", "tf.math.softplus"),
        ("y = tf.sigmoid(x)", "tf.math.sigmoid"),
        ("y = tf.nn.sigmoid(x)", "tf.math.sigmoid"),
        ("y = tf.nn.relu(x)", "tf.nn.relu"),
        ("y = tf.stop_gradient(x)", "tf.stop_gradient"),
        ("y = tf.maximum(x, 0.0)", "tf.math.maximum"),
        ("y = tf.reduce_sum(m, axis=1)", "tf.math.reduce_sum"),
        ("y = tf.matmul(m, m, transpose_b=True)", "tf.linalg.matmul"),
        ("y = tf.transpose(m)", "tf.transpose"),
        ("y = tf.cast(x, tf.float64)", "tf.cast"),
        ("y = tf.ones([2, 3], dtype=tf.float64)", "tf.ones"),
        ("y = tf.constant([1, 2, 3], dtype=tf.float32)", "tf.constant"),
    ],
)
def test_table_functions_are_accepted_as_written_in_tf(source: str, function: str) -> None:
    call = parse_program(source, INPUTS).statements[0].value
    assert isinstance(call, Call) and call.function == function
    assert call.spelled == source[4 : source.index("(")]


def test_static_shapes_follow_tf_rules() -> None:
    program = parse_program(
        "a = tf.reduce_sum(m, axis=0)\nb = tf.matmul(m, m, transpose_b=True)\nc = tf.transpose(m)\n"
        "d = x + m\ne = tf.reduce_mean(m, axis=-1, keepdims=True)\nf = tf.ones(4)",
        INPUTS,
    )
    assert {k: program.shapes[k] for k in "abcdef"} == {
        "a": (3,),
        "b": (2, 2),
        "c": (3, 2),
        "d": (2, 3),
        "e": (2, 1),
        "f": (4,),
    }


def test_numbers_fold_like_python_and_signs_fold_into_literals() -> None:
    program = parse_program("a = 2 ** 3\nb = -x\nc = [-1, +2.5]\nd = 1 / 4\ne = +2", INPUTS)
    values = [s.value for s in program.statements]
    assert values[0] == Literal(8, (), False, 1, 5)
    assert isinstance(values[1], UnaryOp)
    assert values[2].value == (-1, 2.5) and values[2].is_float
    assert values[3].value == 0.25
    assert values[4].value == 2


def test_reassignment_and_augmented_assignment_are_allowed() -> None:
    program = parse_program("x = x + 1\nx += 2\ny = x", {"x": (3,)})
    assert [s.target for s in program.statements] == ["x", "x", "y"]
    assert program.statements[1].value.op == "+"


# --- refused programs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "words", "line", "col"),
    [
        ("y = __import__('os')", "dunder", 1, 5),
        ("y = ().__class__.__bases__[0].__subclasses__()", "dunder", 1, 5),
        ("y = open('x')", "'open' is not allowed", 1, 5),
        ("y = x\ny = tf.io.write_file('a', 'b')", "tf.io.write_file is not an allowed function", 2, 5),
        ("y = 2 ** 10**9", "exponent", 1, 10),
        ("y = x ** 65", "exponent", 1, 10),
        ("y = tf.pow(x, 100)", "exponent", 1, 15),
        ("y = tf.ones([100000, 100000])", "10,000,000,000 elements", 1, 13),
        ("y = tf.ones([10000, 1]) + tf.ones([1, 10000])", "100,000,000 elements", 1, 5),
        ("y = tf.matmul(tf.ones([10000, 1]), tf.ones([1, 10000]))", "100,000,000 elements", 1, 5),
        ("import os", "import statements are not allowed", 1, 1),
        ("y = x.numpy()", "'x.numpy' is not allowed", 1, 5),
        ("y = x.assign_add(1.0)", "'x.assign_add' is not allowed", 1, 5),
        ("y = x[0]", "subscripts", 1, 5),
        ("y = [v for v in x]", "comprehensions", 1, 5),
        ("y = lambda: 1", "lambda", 1, 5),
        ("y = z", "name 'z' is not defined", 1, 5),
        ("y = x\n\nq = y + zz", "name 'zz' is not defined", 3, 9),
        ("tf = x", "reserved", 1, 1),
        ("y = tf", "not a value", 1, 5),
        ("y = tf.float32", "dtype", 1, 5),
        ("y = tf.sin(x, name='s')", "keyword 'name'", 1, 5),
        ("y = tf.reduce_sum(x, axis='a')", "whole numbers", 1, 27),
        ("y = 'text'", "strings", 1, 5),
        ("y = 1e999", "finite", 1, 5),
        ("y = x // 2", "//", 1, 5),
        ("y = +x", "unary +", 1, 5),
        ("y = [1, 2] + [3]", "list arithmetic", 1, 5),
        ("y = [1, [2]]", "ragged", 1, 5),
        ("y = 0 ** -1", "division by zero", 1, 5),
        ("for v in x:\n    y = v", "for loops", 1, 1),
        ("if x:\n    y = x", "if statements", 1, 1),
        ("y, z = x, x", "one plain name", 1, 1),
        ("x", "bare expression", 1, 1),
        ("y = tf.cast(x, 'float32')", "dtype", 1, 16),
        ("y = tf.constant(x)", "list of numbers", 1, 17),
        ("y = tf.Variable(1.0)", "not an allowed function", 1, 5),
    ],
)
def test_refusals_name_the_problem_line_and_col(source: str, words: str, line: int, col: int) -> None:
    error = refused(source)
    assert words in error.message
    assert (error.line, error.col) == (line, col)
    assert error.to_dict() == {"type": "ProgramError", "message": error.message, "line": line, "col": col}
    assert str(error).startswith(f"line {line}, col {col}: ")


def test_syntax_errors_keep_pythons_line_and_column() -> None:
    error = refused("y = x\n  z = x")
    assert "syntax error" in error.message and error.line == 2 and isinstance(error.col, int)


def test_limits_are_checked_before_parsing_without_recursion_errors() -> None:
    assert "characters long" in refused("y = x\n" * 50_000).message
    assert "too many statements" in refused("y=x;" * 1_200).message
    assert "at most 200" in refused("\n" * 250).message
    for deep in ("y = " + "(" * 2_000 + "x" + ")" * 2_000, "y = " + "-" * 2_000 + "x", "y = x" + "+x" * 2_000):
        assert "nested" in refused(deep).message
    assert "nested" in refused("y = " + "tf.sin(" * 40 + "x" + ")" * 40).message


def test_program_error_gives_plain_data_or_none() -> None:
    assert program_error("y = x", {"x": (1,)}) is None
    assert program_error("y = q", {"x": (1,)})["type"] == "ProgramError"
    assert "text" in refused(42).message  # type: ignore[arg-type]


def test_the_parser_modules_do_not_import_tensorflow() -> None:
    code = (
        "import sys, core.tape.parser, core.tape.request, core.tape.functions, core.tape.shown_code, core.cli.grad\n"
        "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


ROOT = Path(__file__).resolve().parents[3]
CORE_MODULES = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "core").rglob("*.py"))


@pytest.mark.parametrize("module", CORE_MODULES)
def test_no_core_module_calls_eval_exec_or_compile(module: str) -> None:
    assert "core/tape/parser.py" in CORE_MODULES
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not called & {"eval", "exec", "compile", "__import__"}


# --- properties ------------------------------------------------------------------------------------------------

HOSTILE = [
    "__import__('os')",
    "().__class__.__bases__[0].__subclasses__()",
    "open('x')",
    "tf.io.write_file('a', 'b')",
    "2 ** 10**9",
    "tf.ones([100000, 100000])",
    "x.numpy()",
    "getattr(tf, 'io')",
    "tf.compat.v1.Session()",
    "eval('1')",
    "exec('y = 1')",
    "tf.py_function(print, [x], tf.float32)",
    "globals()",
    "lambda: 0",
    "x[0]",
    "[i for i in range(10)]",
    "tf.sin(x, name='a')",
]
TOKENS = ["x", "w", "y", "tf", ".", "sin", "(", ")", "[", "]", ",", "+", "-", "*", "/", "**", "@", "=", "1", "2.5"]
TOKENS += [" ", "\n", "__class__", "io", "math", "nn", "relu", "ones", "axis=", "'s'", "lambda", ":", "import", "os"]


def accepted_or_program_error(source: str) -> None:
    try:
        program = parse_program(source, INPUTS)
    except ProgramError as error:
        assert isinstance(error.message, str) and error.message
        return
    assert_whitelisted(program, set(INPUTS))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_token_soup_is_accepted_into_the_whitelist_or_refused_with_program_error(source: str) -> None:
    accepted_or_program_error(source)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises_anything_but_program_error(source: str) -> None:
    accepted_or_program_error(source)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(HOSTILE), st.sampled_from(["y = {}", "y = tf.sin({})", "y = x + {}", "x = x\ny = {}"]))
def test_hostile_expressions_are_refused_wherever_they_appear(expression: str, template: str) -> None:
    with pytest.raises(ProgramError):
        parse_program(template.format(expression), INPUTS)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=33, max_value=3_000), st.sampled_from(["(", "-", "tf.sin(", "[", "x+"]))
def test_deep_nesting_is_refused_cleanly(depth: int, opener: str) -> None:
    closer = {"(": ")", "-": "", "tf.sin(": ")", "[": "]", "x+": ""}[opener]
    if opener == "(":
        depth += 200  # bare parentheses add no nodes; Python itself refuses 200 levels
    source = "y = " + opener * depth + ("1" if opener == "[" else "x") + closer * depth
    with pytest.raises(ProgramError):
        parse_program(source, INPUTS)
