"""Common first lines of every page: page config and the locally served plotly.js."""

from __future__ import annotations

import streamlit as st

from ui.static_assets import ensure_plotly_js

_ROUTED: list[bool] = []  # whether this process has routed a first visit through the navigation


def setup_page(title: str) -> None:
    """Wide layout, the page's browser title, and plotly.js ready for the live charts."""
    _use_the_navigation()
    st.set_page_config(
        page_title=f"{title} · Tapestream" if title != "Tapestream" else title, page_icon="🎞️", layout="wide"
    )
    ensure_plotly_js()


def _use_the_navigation() -> None:
    """Route every visit through dashboard.py's st.navigation (its page titles), even a fresh server's first one.

    Streamlit starts in its older pages/-folder mode when a pages/ folder exists, and only leaves it once
    st.navigation has run; a first visit straight to a page's URL would otherwise show "dashboard" as Home's name.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without it: the navigation still works from the second visit on
        return
    if getattr(PagesManager, "uses_pages_directory", None) and not _ROUTED:
        _ROUTED.append(True)  # once per process: Streamlit's testing harness resets the flag before every run
        PagesManager.uses_pages_directory = False
        st.rerun()
