"""Tensors as text: NumPy-style printing of values and clear messages for text that is not numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ui.explorer.tensor_text import InputTextError, format_value, nested_text, parse_nested, parse_vector, vector_text


def test_values_print_like_numpy_float32() -> None:
    assert format_value([10.0, 40.0, 90.0]) == "[10. 40. 90.]"
    assert format_value([20.0, 60.0, 120.0]) == "[ 20.  60. 120.]"
    assert format_value(None) == "None" and format_value(10) == "10" and format_value([1, 2], "int32") == "[1 2]"
    assert format_value([0.2689414322376251]) == "[0.26894143]"
    assert format_value([1.0, None]) == "[1.0, None]" and format_value(["A", "B"]) == "['A', 'B']"


def test_numbers_round_trip_through_their_text() -> None:
    assert vector_text([1.0, 2.5]) == "1, 2.5" and parse_vector("t1", "1, 2.5") == [1.0, 2.5]
    assert parse_vector("t1", "[1, 2, 3]") == [1.0, 2.0, 3.0]
    assert nested_text([[1.0, 0.1], [3.0, 4.0]]) == "[[1, 0.1], [3, 4]]"
    assert parse_nested("x", "[[1, 0.1], [3, 4]]") == [[1, 0.1], [3, 4]] and parse_nested("x", "1, 2") == [1, 2]


@pytest.mark.parametrize(
    ("parse", "text", "words"),
    [
        (parse_vector, "1, x", "t1 holds 'x', which is not a number"),
        (parse_vector, " ", "t1 is empty"),
        (parse_vector, "1, inf", "must be finite"),
        (parse_nested, "[1, a]", "t1 is not a number or a list"),
        (parse_nested, "NaN", "must be finite"),
        (parse_nested, "[" * 100_000, "at most"),
    ],
)
def test_bad_text_gets_a_message_naming_the_input(parse: Callable[[str, str], Any], text: str, words: str) -> None:
    with pytest.raises(InputTextError, match=words.replace("(", r"\(")):
        parse("t1", text)


def test_nested_lists_are_refused_with_a_pointer_to_the_playground() -> None:
    with pytest.raises(InputTextError, match="flat list of numbers"):
        parse_vector("t1", "[[1,2],[3]]")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", None),
        ("[1, 2", "a [ is never closed"),
        ("[1, 2]]", "a ] has no matching ["),
        ("[1 2]", "a comma is missing before '2' at character 4"),
        ("[1, x]", "'x' at character 5 is not allowed: only numbers, commas and [ ] are"),
        ("[1,,2]", "a number is missing before ',' at character 4"),
        ("[1,]", "a number is missing before ']' at character 4"),
        ("[1] 3", "'3' at character 5 comes after the value is complete"),
        ("[1, 2e]", "'2e' at character 5 is not a number"),
    ],
)
def test_unreadable_values_are_explained_in_the_learners_words(text: str, reason: str | None) -> None:
    with pytest.raises(InputTextError) as caught:
        parse_nested("the value of t1", text)
    message = str(caught.value)
    assert "Expecting" not in message and "char " not in message and "delimiter" not in message
    assert message.startswith("the value of t1 ")
    if reason is not None:
        assert f"({reason})" in message
