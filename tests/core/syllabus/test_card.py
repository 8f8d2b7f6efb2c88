"""The card type: field parsing and validation, how a lesson's results are split, and the value helpers."""

from __future__ import annotations

from typing import Any

import pytest
import tensorflow as tf

from core.syllabus.card import Card, CardInputError, CardResult, Field, error_dict, plain, show, split_results


@pytest.mark.parametrize(
    ("spec", "value", "parsed"),
    [
        (Field("number", 0.0), 3, 3.0),
        (Field("positive", 1.0), 0.5, 0.5),
        (Field("whole", 1, low=1, high=6), 4.0, 4),
        (Field("vector", [1.0]), (1, 2), [1.0, 2.0]),
        (Field("matrix", [[1.0]]), [[1, 2], [3, 4]], [[1.0, 2.0], [3.0, 4.0]]),
        (Field("bool", False), True, True),
        (Field("choice", "a", choices=("a", "b")), "b", "b"),
    ],
)
def test_each_field_kind_parses_what_it_allows(spec: Field, value: Any, parsed: Any) -> None:
    result = spec.parse("v", value)
    assert result == parsed and type(result) is type(parsed)


@pytest.mark.parametrize(
    ("spec", "value", "words"),
    [
        (Field("number", 0.0), True, "v=True is not allowed: must be a finite number"),
        (Field("number", 0.0), float("inf"), "must be a finite number"),
        (Field("number", 0.0), -2e6, "must be at most 1e+06 in size"),
        (Field("positive", 1.0), -1.0, "must be greater than 0"),
        (Field("whole", 1, low=1, high=6), 7, "must be a whole number in [1, 6]"),
        (Field("whole", 1, low=1, high=6), 1.5, "must be a whole number in [1, 6]"),
        (Field("vector", [1.0]), [], "v must be a list of 1 to 100 numbers"),
        (Field("vector", [1.0]), [1.0] * 101, "v must be a list of 1 to 100 numbers"),
        (Field("vector", [1.0]), [1.0, "a"], "v[1]='a'"),
        (Field("matrix", [[1.0]]), [[1.0]] * 21, "1 to 20 rows"),
        (Field("matrix", [[1.0]]), [[1.0] * 21], "rows of equal length (1 to 20 numbers)"),
        (Field("matrix", [[1.0]]), [[1.0], [1.0, 2.0]], "rows of equal length"),
        (Field("bool", False), 0, "must be true or false"),
        (Field("choice", "a", choices=("a", "b")), "c", "must be one of a, b"),
    ],
)
def test_each_field_kind_names_what_it_allows(spec: Field, value: Any, words: str) -> None:
    with pytest.raises(CardInputError) as raised:
        spec.parse("v", value)
    assert words in str(raised.value)


def doubled(x: float, y: float) -> dict[str, object]:
    """A tiny lesson for the card type's tests."""
    x = tf.Variable(x)
    with tf.GradientTape() as tape:
        z = 2.0 * x * y
    return {"z": z, "dz_dx": tape.gradient(z, x)}


def says(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """An explanation written from the raw results."""
    return f"z = {float(results['z']):g} for x = {inputs['x']:g}"


def not_equal(values: dict[str, Any]) -> str | None:
    """A cross-field check."""
    return "x and y must differ" if values["x"] == values["y"] else None


CARD = Card("doubled", "Doubled", {"x": Field("number", 1.0), "y": Field("number", 3.0)}, doubled, says, ("dz_dx",))


def test_validate_overlays_the_defaults_and_checks_every_input() -> None:
    assert CARD.defaults() == {"x": 1.0, "y": 3.0}
    assert CARD.validate(None) == {"x": 1.0, "y": 3.0}
    assert CARD.validate({"y": 2}) == {"x": 1.0, "y": 2.0}
    with pytest.raises(CardInputError, match="unknown input 'q'; allowed: x, y"):
        CARD.validate({"q": 1})
    with pytest.raises(CardInputError, match="inputs must be an object"):
        CARD.validate([1])  # type: ignore[arg-type]
    checked = Card("c", "C", CARD.fields, doubled, says, ("dz_dx",), check=not_equal)
    with pytest.raises(CardInputError, match="x and y must differ"):
        checked.validate({"x": 3.0})


def test_run_calls_the_lesson_splits_its_results_and_explains_them() -> None:
    result = CARD.run({"x": 2.0, "y": 3.0})
    assert result == CardResult(values={"z": 12.0}, gradients={"dz_dx": 6.0}, explanation="z = 12 for x = 2")


def test_code_is_the_lessons_own_source_called_with_the_inputs() -> None:
    code = CARD.code({"x": 2.0, "y": 3.0})
    assert code.startswith("import tensorflow as tf\n\n\ndef doubled(x: float, y: float) -> dict[str, object]:\n")
    assert "        z = 2.0 * x * y\n" in code and "results = doubled(x=2.0, y=3.0)\n" in code
    assert "says" not in code and "explanation" not in code


def test_split_results_sorts_values_gradients_and_caught_errors_in_order() -> None:
    error = RuntimeError(" once only ")
    results = {"a": tf.constant([1.0]), "g": None, "b": [tf.constant(2.0), None], "e": error, "n": 3}
    split = split_results(results, ("g", "b", "e"))
    assert split.values == {"a": [1.0], "n": 3}
    assert split.gradients == {"g": None, "b": [2.0, None]} and list(split.gradients) == ["g", "b"]
    assert split.errors == {"e": {"type": "RuntimeError", "message": "once only"}}


def test_the_value_helpers() -> None:
    assert show(None) == "None" and show([1.23456, [2.0, None]]) == "[1.235, [2, None]]" and show(7) == "7"
    assert plain(tf.Variable([1.0, 2.0])) == [1.0, 2.0] and plain((None, tf.constant(1))) == [None, 1]
    assert error_dict(ValueError("bad\n")) == {"type": "ValueError", "message": "bad"}
