"""The GradientTape syllabus as live cards: each card's inputs, presets, the TF code it ran, results and explanation."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.engine.client import EngineError
from core.regression.config import ConfigError
from ui.engine_handle import engine_client
from ui.engine_results import failure_message
from ui.explorer import card_inputs
from ui.explorer.engine_wait import engine_result
from ui.explorer.tensor_text import format_value
from ui.explorer.tf_errors import tf_error_text
from ui.markdown_text import escape_markdown


@st.cache_resource(show_spinner="Starting the TensorFlow engine…")
def card_listing() -> list[dict[str, Any]]:
    """Every card's title, fields and presets, asked once per server from the engine (the cards import TF)."""
    return engine_client().task("card_listing", {})


def show_all() -> None:
    """Every card as an expander, the first one open."""
    st.markdown(
        "Each card is one lesson about `tf.GradientTape`. Change its inputs or pick a preset: it runs TensorFlow "
        "again, shows the exact code it ran, every value and gradient (or TensorFlow's exception), and explains "
        "what happened."
    )
    try:
        cards = card_listing()
    except (EngineError, ConfigError) as error:
        st.error(failure_message(error), icon="⚠️")
        return
    for number, card in enumerate(cards, start=1):
        with st.expander(f"{number}. {card['title']}", expanded=number == 1):
            show_card(card)


@st.fragment
def show_card(card: dict[str, Any]) -> None:
    """One card: presets and inputs on the left; the code that ran, its results and the explanation on the right."""
    controls, output = st.columns([2, 3], gap="large")
    with controls:
        inputs, problems = card_inputs.read(card)
    with output:
        for problem in problems:
            st.error(problem, icon="✏️")
        if problems:
            st.caption("Nothing ran: fix the input on the left.")
            return
        payload = {"name": card["name"], "inputs": inputs}
        result = engine_result("card", payload, lambda: engine_client().task("card", payload))
        if result is not None:
            show_result(result)


def show_result(result: dict[str, Any]) -> None:
    """The code, values, gradients, errors and explanation of one card run (or why it could not run)."""
    error = result.get("error")
    if error and error["type"] == "CardInputError":
        st.error(error["message"], icon="✏️")
        return
    if result["code"]:
        st.caption("The code that ran")
        st.code(result["code"], language="python")
    if result["values"]:
        st.caption("Values")
        st.code(_lines(result["values"]), language=None)
    if result["gradients"]:
        st.caption("Gradients (None where TensorFlow returned None)")
        st.code(_lines(result["gradients"]), language=None)
    for name, raised in result["errors"].items():
        st.error(f"`{name}`: TensorFlow raised `{tf_error_text(raised)}`", icon="💥")
    if error:
        st.error(f"TensorFlow raised `{tf_error_text(error)}`", icon="💥")
    if result["explanation"]:
        st.info(escape_markdown(result["explanation"]), icon="💡")


def _lines(values: dict[str, Any]) -> str:
    return "\n".join(f"{name}: {format_value(value)}" for name, value in values.items())
