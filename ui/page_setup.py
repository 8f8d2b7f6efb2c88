"""Common first lines of every page: page config and the locally served plotly.js."""

from __future__ import annotations

import streamlit as st

from ui.static_assets import ensure_plotly_js


def setup_page(title: str) -> None:
    """Wide layout, the page's browser title, and plotly.js ready for the live charts."""
    st.set_page_config(
        page_title=f"{title} · Tapestream" if title != "Tapestream" else title, page_icon="🎞️", layout="wide"
    )
    ensure_plotly_js()
