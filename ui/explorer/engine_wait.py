"""Engine calls of the Explorer under a spinner, so the output column is never blank while the engine starts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.engine_results import run_or_report

WAIT_TEXT = "Running TensorFlow in the engine… the first run after a server start takes a few seconds"


def engine_result(
    kind: str, payload: Any, compute: Callable[[], dict[str, Any]], refresh: bool = False
) -> dict[str, Any] | None:
    """run_or_report under st.spinner: shown after half a second, so cached and quick calls never flash it."""
    with st.spinner(WAIT_TEXT, show_time=True):
        return run_or_report(kind, payload, compute, refresh=refresh)
