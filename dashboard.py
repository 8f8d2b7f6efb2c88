"""Tapestream's entry point (`streamlit run dashboard.py`): the page navigation, Home with a link to each page, and the
app that serves them (Streamlit's routes plus the live ticks' HTTP route)."""

from __future__ import annotations

import streamlit as st

from ui.live import tick_route
from ui.page_setup import setup_page

PAGES = (  # file, title, icon, URL path
    ("pages/1_GradientTape_Explorer.py", "GradientTape Explorer", "🧮", "GradientTape_Explorer"),
    ("pages/2_Live_Regression.py", "Live Regression", "📈", "Live_Regression"),
    ("pages/3_Compare_Runs.py", "Compare Runs", "🔀", "Compare_Runs"),
)
CAPTIONS = {
    "GradientTape Explorer": "The tutorial's tape examples and the whole GradientTape syllabus, live and editable, "
    "plus a safe expression playground that draws what the tape recorded.",
    "Live Regression": "Train y = w·x + b step by step and watch w, b and the loss stream in while you change the "
    "settings.",
    "Compare Runs": "Every run is saved: overlay runs, diff their configs, pick a baseline, sweep a grid, export to "
    "TensorBoard.",
}


def home() -> None:
    """What Tapestream is, and a link to each page. It loads no TensorFlow."""
    setup_page("Tapestream")
    st.title("🎞️ Tapestream")
    st.markdown(
        "Tapestream teaches **`tf.GradientTape`** by running it. Every number on these pages comes from "
        "TensorFlow, running in a separate engine process so the charts stay fast."
    )
    for path, title, icon, _ in PAGES:
        st.page_link(path, label=title, icon=icon)
        st.caption(CAPTIONS[title])


if __name__ == "__main__":  # a session's script run
    navigation = st.navigation(
        [
            st.Page(home, title="Home", default=True),
            *(st.Page(path, title=title, url_path=url) for path, title, _, url in PAGES),
        ]
    )
    navigation.run()
else:  # `streamlit run dashboard.py` imports this file once, to serve its app: Streamlit plus the live tick route
    app = st.App("dashboard.py", routes=tick_route.routes())
