"""The result filter: what it parses, what it refuses (naming the token or column), and that it never evaluates."""

from __future__ import annotations

import ast
import builtins

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.store import run_filter
from core.store.run_columns import COLUMNS
from core.store.run_filter import FilterError, parse_filter

ADAM = {"final_loss": 1e-4, "optimizer": "adam", "steps_to_converge": 400, "shuffle": True, "learning_rate": 0.1}
SGD = {"final_loss": 2.0, "optimizer": "sgd", "steps_to_converge": None, "shuffle": False, "learning_rate": 0.01}


def passing(text: str, *runs: dict) -> list[str]:
    parsed = parse_filter(text)
    return [run["optimizer"] for run in runs if parsed.matches(run)]


def test_the_issues_examples_pick_the_runs_they_name() -> None:
    assert passing('final_loss < 1e-3 and optimizer == "adam"', ADAM, SGD) == ["adam"]
    assert passing("steps_to_converge <= 500", ADAM, SGD) == ["adam"]  # a missing value never matches
    assert passing("not steps_to_converge <= 500", ADAM, SGD) == ["sgd"]


def test_and_binds_tighter_than_or_and_parentheses_regroup() -> None:
    assert passing("optimizer == 'sgd' or final_loss < 1 and learning_rate > 1", ADAM, SGD) == ["sgd"]
    assert passing("(optimizer == 'sgd' or final_loss < 1) and learning_rate > 0.05", ADAM, SGD) == ["adam"]


def test_values_on_the_left_flags_negative_numbers_and_column_pairs() -> None:
    assert passing("1e-3 > final_loss", ADAM, SGD) == ["adam"]
    assert passing("shuffle == true", ADAM, SGD) == ["adam"]
    assert passing("learning_rate > -1", ADAM, SGD) == ["adam", "sgd"]
    assert passing("final_loss < learning_rate", ADAM, SGD) == ["adam"]
    assert parse_filter("  ") is None


def test_the_columns_read_and_the_rebuilt_text() -> None:
    parsed = parse_filter('not (final_loss < .5 or optimizer == "adam") and 3 <= steps_to_converge')
    assert parsed.columns == {"final_loss", "optimizer", "steps_to_converge"}
    assert parsed.text == 'not (final_loss < 0.5 or optimizer == "adam") and steps_to_converge >= 3.0'
    assert parse_filter(parsed.text) == parsed


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("finl_loss < 1", "unknown column 'finl_loss' at character 1 (did you mean final_loss?)"),
        ("optimizer == adam", "unknown column 'adam'"),
        ("final_loss < 1e-3 && steps < 5", "'&' at character 19 is not allowed"),
        ("final_loss = 1", "'=' at character 12 is not allowed"),
        ("final_loss < 1 and", "ends early"),
        ("final_loss", "expected a comparison"),
        ("(final_loss < 1", "never closed"),
        ("final_loss < 1)", "unexpected ')' at character 15"),
        ('final_loss < "x"', "final_loss holds number values: compare it with a number"),
        ('optimizer < "adam"', "compares numbers only"),
        ("1 < 2", "has no column"),
        ("__import__('os') == 1", "unknown column '__import__'"),
        ("final_loss < 1e999", "too large"),
        ("final_loss < 1 ; steps > 2", "';' at character 16"),
    ],
)
def test_bad_expressions_name_the_token_or_column(text: str, named: str) -> None:
    with pytest.raises(FilterError) as refused:
        parse_filter(text)
    assert named in str(refused.value)


def test_an_unknown_column_lists_the_columns_allowed() -> None:
    with pytest.raises(FilterError, match="columns allowed: .*final_loss.*optimizer"):
        parse_filter("accuracy >= 0.8")


def test_size_and_depth_are_bounded() -> None:
    with pytest.raises(FilterError, match="at most 1,000"):
        parse_filter("steps > 1 or " * 100 + "steps > 1")
    with pytest.raises(FilterError, match="deeper than"):
        parse_filter("not " * 40 + "steps > 1")
    with pytest.raises(FilterError, match="more than 100 comparisons"):
        parse_filter(" or ".join(["id==1"] * 101))


PIECES = [
    *COLUMNS,
    *"<>=!()-'\"",
    "and",
    "or",
    "not",
    "==",
    "<=",
    "1e-3",
    "0.5",
    '"adam"',
    "true",
    "__import__('os').system('x')",
    "lambda: 1",
    "[1]",
    "x.y",
    "eval",
    "\x00",
    "é",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=14))
def test_random_and_hostile_text_is_refused_or_parsed_without_evaluating_anything(pieces: list[str]) -> None:
    text = " ".join(pieces)
    calls = []

    def forbidden(*args: object, **kwargs: object) -> None:
        calls.append(args)
        raise AssertionError("evaluated")

    saved = builtins.eval, builtins.exec, builtins.compile
    builtins.eval = builtins.exec = builtins.compile = forbidden
    try:
        try:
            parsed = parse_filter(text)
        except FilterError as error:
            assert str(error)
            parsed = None
        if parsed is not None:
            parsed.matches(ADAM)
            assert parsed.columns <= set(COLUMNS)
    finally:
        builtins.eval, builtins.exec, builtins.compile = saved
    assert calls == []
    if parsed is not None:
        assert parse_filter(parsed.text) == parsed


def test_the_module_never_calls_eval_exec_or_compile() -> None:
    tree = ast.parse(open(run_filter.__file__).read())
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not called & {"eval", "exec", "compile", "__import__", "getattr"} and "ast" not in imported
