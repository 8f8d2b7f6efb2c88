"""ui.live.view_options: the loss chart's scale and smoothing, their defaults and presets from the URL."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    import streamlit as st

    from ui.live import view_options

    if st.session_state.pop("preset", None):
        view_options.choose("log", "0.99")
    st.session_state["chart"] = view_options.chart_options()


def test_defaults_presets_and_an_emptied_choice() -> None:
    app = AppTest.from_function(_page).run()
    assert app.session_state["chart"] == (False, 0.0)
    assert app.segmented_control(key="loss_scale").value == "linear"
    app.session_state["preset"] = True
    app.run()
    assert app.session_state["chart"] == (True, 0.99) and not app.exception
    app.segmented_control(key="smoothing").set_value(None).run()
    assert app.session_state["chart"] == (True, 0.0)
