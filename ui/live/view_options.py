"""The live loss chart's view options: linear or log scale, and EMA smoothing."""

from __future__ import annotations

import streamlit as st

from core.regression.smoothing import SMOOTHING_CHOICES

SCALE_KEY = "loss_scale"
SMOOTHING_KEY = "smoothing"
LOSS_SCALES: tuple[str, ...] = ("linear", "log")
DEFAULT_SCALE = "linear"
DEFAULT_SMOOTHING = "off"


def current_choices() -> tuple[str, str]:
    """The chosen loss scale and smoothing words ("linear", "off" when nothing is chosen yet)."""
    scale = st.session_state.get(SCALE_KEY) or DEFAULT_SCALE
    smoothing = st.session_state.get(SMOOTHING_KEY) or DEFAULT_SMOOTHING
    return scale, smoothing


def choose(scale: str, smoothing: str) -> None:
    """Preset both controls (from the URL), before they are drawn."""
    st.session_state[SCALE_KEY], st.session_state[SMOOTHING_KEY] = scale, smoothing


def chart_options() -> tuple[bool, float]:
    """The loss chart's scale and EMA smoothing."""
    st.session_state.setdefault(SCALE_KEY, DEFAULT_SCALE)  # the state is the default: no default= beside it
    st.session_state.setdefault(SMOOTHING_KEY, DEFAULT_SMOOTHING)
    left, right, _ = st.columns([1, 1.6, 1.4])  # room for every EMA option at 1280 px
    left.segmented_control("Loss scale", list(LOSS_SCALES), key=SCALE_KEY)
    right.segmented_control("EMA smoothing", list(SMOOTHING_CHOICES), key=SMOOTHING_KEY)
    scale, smoothing = current_choices()
    return scale == "log", SMOOTHING_CHOICES[smoothing]
