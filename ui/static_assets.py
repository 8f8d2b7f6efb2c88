"""Puts plotly.js from the installed plotly package where Streamlit's static file serving can hand it out."""

from __future__ import annotations

import shutil
from pathlib import Path

import plotly
import streamlit as st

APP_ROOT = Path(__file__).resolve().parent.parent
STATIC_PLOTLY = APP_ROOT / "static" / "plotly.min.js"
PLOTLY_URL = "app/static/plotly.min.js"


def bundled_plotly_js() -> Path:
    """The plotly.min.js that ships inside the plotly Python package."""
    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


@st.cache_resource(show_spinner=False)
def ensure_plotly_js() -> Path:
    """Copy plotly.min.js into ./static once per server (again only if the package's copy differs)."""
    source = bundled_plotly_js()
    if not STATIC_PLOTLY.exists() or STATIC_PLOTLY.stat().st_size != source.stat().st_size:
        STATIC_PLOTLY.parent.mkdir(exist_ok=True)
        temporary = STATIC_PLOTLY.with_suffix(".tmp")
        shutil.copyfile(source, temporary)
        temporary.replace(STATIC_PLOTLY)
    return STATIC_PLOTLY
