"""Tapestream's home page and entry point (`streamlit run dashboard.py`): what it is, and a link to each page."""

from __future__ import annotations

import streamlit as st

from ui.page_setup import setup_page

setup_page("Tapestream")
st.title("🎞️ Tapestream")
st.markdown(
    "Tapestream teaches **`tf.GradientTape`** by running it. Every number on these pages comes from TensorFlow, "
    "running in a separate engine process so the charts stay fast."
)
st.page_link("pages/1_GradientTape_Explorer.py", label="GradientTape Explorer", icon="🧮")
st.caption(
    "The tutorial's tape examples and the whole GradientTape syllabus, live and editable, plus a safe "
    "expression playground that draws what the tape recorded."
)
st.page_link("pages/2_Live_Regression.py", label="Live Regression", icon="📈")
st.caption("Train y = w·x + b step by step and watch w, b and the loss stream in while you change the settings.")
st.page_link("pages/3_Compare_Runs.py", label="Compare Runs", icon="🔀")
st.caption(
    "Every run is saved: overlay runs, diff their configs, pick a baseline, sweep a grid, export to TensorBoard."
)
