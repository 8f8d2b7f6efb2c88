"""Tensors as text and back: NumPy-style printing ("[10. 40. 90.]") and parsing of typed vectors and nested lists."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

NUMPY_DTYPES: dict[str, type] = {"float32": np.float32, "float64": np.float64, "int32": np.int32}
MAX_TEXT_CHARS = 20_000
NUMBER_TEXT = frozenset("0123456789.eE+-,[] \t\r\n")


class InputTextError(ValueError):
    """Text that is not the numbers it should be; the message names the input and what is allowed."""


def format_value(value: Any, dtype: str | None = None) -> str:
    """How `print(tensor.numpy())` shows a value: float32 unless told, None as None, other data as written."""
    if value is None:
        return "None"
    if isinstance(value, bool | str):
        return str(value)
    if _numeric(value):
        chosen = dtype if dtype in NUMPY_DTYPES else _guess_dtype(value)
        array = np.asarray(value, dtype=NUMPY_DTYPES[chosen])
        return np.array2string(array, threshold=200, edgeitems=4, max_line_width=100) if array.ndim else str(array[()])
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_item_text(item, dtype) for item in value) + "]"
    return str(value)


def _item_text(item: Any, dtype: str | None) -> str:
    return repr(item) if isinstance(item, str) else format_value(item, dtype)


def _numeric(value: Any) -> bool:
    """A number or a rectangular nested list of numbers (no None, bool or text)."""
    return _shape(value) is not None


def _shape(value: Any) -> tuple[int, ...] | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return ()
    if not isinstance(value, list | tuple) or not value:
        return None
    shapes = {_shape(item) for item in value}
    if len(shapes) != 1 or None in shapes:
        return None
    return (len(value), *shapes.pop())


def _guess_dtype(value: Any) -> str:
    leaves = np.asarray(value).ravel().tolist() if not isinstance(value, int | float) else [value]
    return "int32" if all(isinstance(item, int) for item in leaves) else "float32"


def number_text(number: float) -> str:
    """A number as a person would type it: 1 rather than 1.0, 0.1 rather than 0.10000000149."""
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def vector_text(values: list[float]) -> str:
    """[1.0, 2.0, 3.0] as "1, 2, 3"."""
    return ", ".join(number_text(value) for value in values)


def nested_text(value: Any) -> str:
    """A number or nested list as JSON-like text: [[1, 2], [3, 4]]."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(nested_text(item) for item in value) + "]"
    return number_text(value)


def parse_vector(name: str, text: str, max_length: int = 1000) -> list[float]:
    """Numbers separated by commas ("1, 2, 3", brackets optional) as floats."""
    if not isinstance(text, str) or not text.strip():
        raise InputTextError(f"{name} is empty: write numbers separated by commas, like 1, 2, 3")
    body = text.strip()
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1]
    if "[" in body or "]" in body:
        raise InputTextError(
            f"{name} must be a flat list of numbers, like 1, 2, 3: these examples use vectors "
            "(the Playground tab takes nested lists for matrices)"
        )
    parts = [part.strip() for part in body.split(",")]
    if parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if not 1 <= len(parts) <= max_length:
        raise InputTextError(f"{name} must hold 1 to {max_length} numbers separated by commas, like 1, 2, 3")
    return [_number(name, part) for part in parts]


def _number(name: str, part: str) -> float:
    try:
        number = float(part)
    except ValueError:
        shown = part if len(part) <= 30 else part[:30] + "…"
        raise InputTextError(
            f"{name} holds {shown!r}, which is not a number: write numbers separated by commas, like 1, 2, 3"
        ) from None
    if not math.isfinite(number):
        raise InputTextError(f"{name} holds {part!r}: every number must be finite")
    return number


def parse_nested(name: str, text: str) -> Any:
    """A number or a nested list written as JSON ("3", "[1, 2]", "[[1, 2], [3, 4]]"; outer brackets optional)."""
    if not isinstance(text, str) or not text.strip():
        raise InputTextError(f"{name} is empty: write a number like 2.5 or a list like [1, 2, 3] or [[1, 2], [3, 4]]")
    if len(text) > MAX_TEXT_CHARS:
        raise InputTextError(f"{name} is {len(text):,} characters long; at most {MAX_TEXT_CHARS:,} are allowed")
    body = text.strip()
    if "," in body and not body.startswith("["):
        body = f"[{body}]"
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise InputTextError(
            f"{name} is not a number or a list of numbers ({_reason(body, error)}): write a number like 2.5, "
            "or a list like [1, 2, 3] or [[1, 2], [3, 4]]"
        ) from None


def _refuse_constant(word: str) -> Any:
    raise ValueError(f"{word} is not allowed: numbers must be finite")


def _reason(body: str, error: BaseException) -> str:
    """What is wrong with the text, in the learner's words rather than the JSON decoder's."""
    if isinstance(error, RecursionError):
        return "it is nested too deeply"
    if not isinstance(error, json.JSONDecodeError):
        return str(error)
    opened, closed = body.count("["), body.count("]")
    if opened > closed:
        return "a [ is never closed"
    if closed > opened:
        return "a ] has no matching ["
    stray = next((index for index, char in enumerate(body) if char not in NUMBER_TEXT), None)
    if stray is not None:
        return f"{body[stray]!r} at character {stray + 1} is not allowed: only numbers, commas and [ ] are"
    position = error.pos
    if position >= len(body):
        return "a number is missing at the end"
    start = position
    while start > 0 and body[start - 1] not in ",[] ":  # the decoder stopped inside a word such as 2e
        start -= 1
    if start < position:
        return f"{_word_at(body, start)!r} at character {start + 1} is not a number"
    found = _word_at(body, position)
    where = f"at character {position + 1}"
    if error.msg.startswith("Expecting ',' delimiter"):
        return f"a comma is missing before {found!r} {where}"
    if error.msg.startswith("Extra data"):
        return f"{found!r} {where} comes after the value is complete"
    if found in {",", "]"}:
        return f"a number is missing before {found!r} {where}"
    return f"{found!r} {where} is not a number"


def _word_at(body: str, position: int) -> str:
    """The text that starts at position: up to the next comma, bracket or space (one character if it is one)."""
    end = position
    while end < len(body) and body[end] not in ",[] " and end - position < 20:
        end += 1
    return body[position : max(end, position + 1)]
