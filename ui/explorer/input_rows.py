"""The playground's input tensors: one row each (name, value, dtype, kind, watch) that the learner adds or removes."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.tape.functions import DTYPE_NAMES
from core.tape.request import KINDS, MAX_INPUTS
from ui.explorer.card_inputs import KIND_WORDS
from ui.explorer.tensor_text import InputTextError, parse_nested

IDS_KEY = "pg_input_ids"
NEXT_KEY = "pg_next_input_id"
DEFAULT_ROWS: tuple[dict[str, Any], ...] = (
    {"name": "t1", "value": "[1, 2, 3]", "dtype": "float32", "kind": "variable", "watch": False},
    {"name": "t2", "value": "[10, 20, 30]", "dtype": "float32", "kind": "variable", "watch": False},
)
NEW_ROW: dict[str, Any] = {"name": "", "value": "1.0", "dtype": "float32", "kind": "variable", "watch": False}
WIDTHS = [1.2, 2.8, 1.3, 2.4, 0.9, 0.7]  # the last column holds the ✕ button whole


def row_key(row_id: int, field: str) -> str:
    """The session_state key of one field of one input row, e.g. pg_input_0_value."""
    return f"pg_input_{row_id}_{field}"


def _seed(row_id: int, row: dict[str, Any]) -> None:
    for field, value in row.items():
        st.session_state[row_key(row_id, field)] = value


def row_ids() -> list[int]:
    """The rows shown now, seeded with t1 and t2 on a session's first run (and after Streamlit dropped the widgets)."""
    ids = st.session_state.get(IDS_KEY)
    if ids is None or any(row_key(row_id, "name") not in st.session_state for row_id in ids):
        st.session_state[IDS_KEY] = list(range(len(DEFAULT_ROWS)))
        st.session_state[NEXT_KEY] = len(DEFAULT_ROWS)
        for row_id, row in enumerate(DEFAULT_ROWS):
            _seed(row_id, row)
    return st.session_state[IDS_KEY]


def add_row() -> None:
    """A new row named after the first free tN."""
    ids = st.session_state[IDS_KEY]
    names = {st.session_state.get(row_key(row_id, "name")) for row_id in ids}
    new_id = st.session_state[NEXT_KEY]
    st.session_state[NEXT_KEY] = new_id + 1
    name = next(f"t{n}" for n in range(1, MAX_INPUTS + len(ids) + 2) if f"t{n}" not in names)
    _seed(new_id, {**NEW_ROW, "name": name})
    ids.append(new_id)


def remove_row(row_id: int) -> None:
    """Drop one row and its widget values."""
    st.session_state[IDS_KEY].remove(row_id)
    for field in NEW_ROW:
        st.session_state.pop(row_key(row_id, field), None)


def declare() -> tuple[dict[str, dict[str, Any]], list[str], list[str]]:
    """The rows of widgets; returns the inputs {name: {value, dtype, kind, watch}}, all names declared, problems."""
    ids = row_ids()
    for column, title in zip(st.columns(WIDTHS), ("name", "value (number or nested list)", "dtype", "kind", "watch")):
        column.caption(title)
    inputs: dict[str, dict[str, Any]] = {}
    names: list[str] = []
    problems: list[str] = []
    for position, row_id in enumerate(ids, start=1):
        name, spec, problem = _row(position, row_id)
        if name and name in names:
            problem = f"input {position}: the name {name!r} is declared twice; give every input its own name"
        elif name:
            names.append(name)
        if problem is None:
            inputs[name] = spec
        else:
            problems.append(problem)
    st.button("➕ Add input", key="pg_add_input", on_click=add_row, disabled=len(ids) >= MAX_INPUTS)
    return inputs, names, problems


def _row(position: int, row_id: int) -> tuple[str, dict[str, Any], str | None]:
    name_column, value_column, dtype_column, kind_column, watch_column, remove_column = st.columns(
        WIDTHS, vertical_alignment="center"
    )
    hidden = {"label_visibility": "collapsed"}
    name = name_column.text_input(f"name of input {position}", key=row_key(row_id, "name"), **hidden).strip()
    text = value_column.text_input(f"value of input {position}", key=row_key(row_id, "value"), **hidden)
    dtype = dtype_column.selectbox(f"dtype of input {position}", DTYPE_NAMES, key=row_key(row_id, "dtype"), **hidden)
    kind = kind_column.selectbox(
        f"kind of input {position}", KINDS, key=row_key(row_id, "kind"), format_func=KIND_WORDS.get, **hidden
    )
    watch = watch_column.checkbox(
        f"tape.watch input {position}", key=row_key(row_id, "watch"), **hidden, help="call tape.watch() on it"
    )
    remove_column.button(
        "✕", key=f"pg_remove_input_{row_id}", on_click=remove_row, args=(row_id,), help="remove this input"
    )
    if not name:
        return name, {}, f"input {position} has no name: give it a name like t{position}"
    try:
        value = parse_nested(f"the value of {name}", text)
    except InputTextError as error:
        return name, {}, str(error)
    return name, {"value": value, "dtype": dtype, "kind": kind, "watch": watch}, None
