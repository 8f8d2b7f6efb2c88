"""The live loss chart's view options: linear or log scale, and EMA smoothing."""

from __future__ import annotations

import streamlit as st

from core.regression.smoothing import SMOOTHING_CHOICES


def chart_options() -> tuple[bool, float]:
    """The loss chart's scale and EMA smoothing."""
    left, right, _ = st.columns([1, 1, 2])
    scale = left.segmented_control("Loss scale", ["linear", "log"], default="linear", key="loss_scale")
    smoothing = right.segmented_control("EMA smoothing", list(SMOOTHING_CHOICES), default="off", key="smoothing")
    return scale == "log", SMOOTHING_CHOICES.get(smoothing or "off", 0.0)
