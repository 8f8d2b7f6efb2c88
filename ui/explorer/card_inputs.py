"""A syllabus card's input widgets, built from its field specs, with presets that reset and fill them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.explorer.tensor_text import InputTextError, nested_text, parse_nested, parse_vector, vector_text

KIND_WORDS: dict[str, str] = {
    "variable": "tf.Variable",
    "constant": "tf.constant",
    "nontrainable_variable": "tf.Variable(trainable=False)",
}


def widget_key(card: str, field: str) -> str:
    """The session_state key of one card input."""
    return f"card_{card}_{field}"


def widget_value(spec: dict[str, Any], value: Any) -> Any:
    """A field value as its widget holds it: vectors and matrices as text, numbers as floats or ints."""
    if spec["kind"] == "vector":
        return vector_text(value)
    if spec["kind"] == "matrix":
        return nested_text(value)
    if spec["kind"] == "whole":
        return int(value)
    if spec["kind"] in ("number", "positive"):
        return float(value)
    return value


def apply_preset(card: dict[str, Any], preset: dict[str, Any]) -> None:
    """Reset every input of the card to its default, then apply the preset's values."""
    for field, value in {**card["defaults"], **preset}.items():
        st.session_state[widget_key(card["name"], field)] = widget_value(card["fields"][field], value)


def read(card: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The preset buttons and one widget per field; returns the card's inputs and any problems with them."""
    if card["presets"]:
        st.caption("Presets")
        with st.container(horizontal=True, wrap=True, gap="small"):
            for label, preset in card["presets"].items():
                st.button(label, key=f"preset_{card['name']}_{label}", on_click=apply_preset, args=(card, preset))
    inputs: dict[str, Any] = {}
    problems: list[str] = []
    for field, spec in card["fields"].items():
        try:
            inputs[field] = _widget(card, field, spec)
        except InputTextError as error:
            problems.append(str(error))
    return inputs, problems


def _widget(card: dict[str, Any], field: str, spec: dict[str, Any]) -> Any:
    key = widget_key(card["name"], field)
    default = widget_value(spec, card["defaults"][field])
    kwargs: dict[str, Any] = {"key": key} if key in st.session_state else {"key": key, "value": default}
    try:
        return WIDGETS[spec["kind"]](field, spec, kwargs)
    finally:
        if spec["help"]:
            st.caption(spec["help"])


def _number(field: str, spec: dict[str, Any], kwargs: dict[str, Any]) -> float:
    return st.number_input(field, step=0.5, format="%g", **kwargs)


def _whole(field: str, spec: dict[str, Any], kwargs: dict[str, Any]) -> int:
    return st.number_input(field, min_value=spec["low"], max_value=spec["high"], step=1, **kwargs)


def _vector(field: str, spec: dict[str, Any], kwargs: dict[str, Any]) -> list[float]:
    return parse_vector(field, st.text_input(field, help="numbers separated by commas, like 1, 2, 3", **kwargs))


def _matrix(field: str, spec: dict[str, Any], kwargs: dict[str, Any]) -> Any:
    text = st.text_input(field, help="rows of numbers, like [[1, 2], [3, 4]]", **kwargs)
    value = parse_nested(field, text)
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise InputTextError(f"{field} must be a list of rows, like [[1, 2], [3, 4]]")
    return value


def _bool(field: str, spec: dict[str, Any], kwargs: dict[str, Any]) -> bool:
    return st.toggle(field, **kwargs)


def _choice(field: str, spec: dict[str, Any], kwargs: dict[str, Any]) -> str:
    choices = spec["choices"]
    index = choices.index(kwargs.pop("value")) if "value" in kwargs else None
    extra = {} if index is None else {"index": index}
    return st.radio(field, choices, format_func=lambda choice: KIND_WORDS.get(choice, choice), **extra, **kwargs)


WIDGETS: dict[str, Callable[[str, dict[str, Any], dict[str, Any]], Any]] = {
    "number": _number,
    "positive": _number,
    "whole": _whole,
    "vector": _vector,
    "matrix": _matrix,
    "bool": _bool,
    "choice": _choice,
}
