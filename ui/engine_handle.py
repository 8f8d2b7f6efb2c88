"""The server-wide EngineClient (one per Streamlit server, shared by every session) and its page-side helpers."""

from __future__ import annotations

import streamlit as st

from core.engine.client import EngineClient
from core.engine.errors import EngineError
from core.regression.config import ConfigError


@st.cache_resource(show_spinner=False)
def _shared_client() -> EngineClient:
    return EngineClient()


def engine_client() -> EngineClient:
    """The single client for this server; its engine process starts on first use.

    A bad engine setting (TAPESTREAM_ENGINE_POOL, TAPESTREAM_TASK_POOL) stops the page with one clear message.
    """
    try:
        return _shared_client()
    except ConfigError as error:
        st.error(f"The engine cannot start: {error}. Fix the setting and restart the server.", icon="🚫")
        st.stop()


def engine_error_message(error: EngineError) -> str:
    """A user-facing explanation of an engine failure."""
    return f"The training engine had a problem: {error}. The app is still running; try again or press Reset."
