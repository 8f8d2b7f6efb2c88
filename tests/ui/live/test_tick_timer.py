"""ui.live.tick_timer: inside a fragment's run it announces a new interval for that fragment; elsewhere it declines."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def page() -> None:
    import streamlit as st

    from ui.live.tick_timer import retime

    st.write(f"outside: {retime(0.5)}")

    @st.fragment(run_every=0.08)
    def ticking() -> None:
        st.write(f"inside: {retime(0.25)}")

    ticking()


def test_only_a_running_fragment_is_re_timed() -> None:
    app = AppTest.from_function(page).run()
    assert not app.exception
    assert [element.value for element in app.markdown] == ["outside: False", "inside: True"]
