"""GradientTape Explorer: the tutorial's tape examples, the syllabus as live cards, and a safe expression playground."""

from __future__ import annotations

import streamlit as st

from ui.explorer import examples_section, playground_panel, syllabus_cards
from ui.page_setup import setup_page

setup_page("GradientTape Explorer")
st.title("🧮 GradientTape Explorer")
st.caption(
    "`tf.GradientTape` records the operations you run inside it, then plays them back to compute gradients. "
    "Everything below runs real TensorFlow in the engine process: change an input and see what the tape does."
)

examples_tab, syllabus_tab, playground_tab = st.tabs(["📘 Tutorial examples", "🗂️ Syllabus cards", "🧪 Playground"])
with examples_tab:
    examples_section.show_all()
with syllabus_tab:
    syllabus_cards.show_all()
with playground_tab:
    playground_panel.show()
