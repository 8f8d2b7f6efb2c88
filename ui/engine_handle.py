"""The server-wide EngineClient (one per Streamlit server, shared by every session) and its page-side helpers."""

from __future__ import annotations

import streamlit as st

from core.engine.client import EngineClient
from core.engine.errors import EngineError


@st.cache_resource(show_spinner=False)
def engine_client() -> EngineClient:
    """The single client for this server; its engine process starts on first use."""
    return EngineClient()


def engine_error_message(error: EngineError) -> str:
    """A user-facing explanation of an engine failure."""
    return f"The training engine had a problem: {error}. The app is still running; try again or press Reset."
