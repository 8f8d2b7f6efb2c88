"""ui.live.url_sync: the view keys (speed, loss scale, smoothing) from and to the URL, and the first-visit sync."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.live.url_sync import VIEW_KEYS, speed_text, view_from_query, view_to_query


def test_view_keys_round_trip_and_defaults_stay_out_of_the_url() -> None:
    assert view_to_query(200.0, "linear", "off") == {}
    query = view_to_query(None, "log", "0.99")
    assert query == {"speed": "max", "loss_scale": "log", "smoothing": "0.99"}
    assert view_from_query(query) == (None, "log", "0.99", [])
    assert view_from_query({"speed": "1e3"})[0] == 1000.0 and speed_text(5.0) == "5"


def test_bad_view_values_warn_naming_the_key_and_keep_the_default() -> None:
    for bad in ("nan", "inf", "-inf", "", "1e12", "-5", "7", "fast", "５", "①", "٣", "½", "🙂"):
        speed, scale, smoothing, warnings = view_from_query(dict.fromkeys(VIEW_KEYS, bad))
        assert (speed, scale, smoothing) == (200.0, "linear", "off"), bad
        assert len(warnings) == 3, bad
        for key, warning in zip(VIEW_KEYS, warnings):
            assert warning.startswith(f"URL parameter {key}={bad!r} is not allowed"), warning


def _page() -> None:
    import streamlit as st

    from ui.live import url_sync, view_options
    from ui.live.run_state import LiveRun

    run = st.session_state.setdefault("run", LiveRun(client=None))
    url_sync.apply_url_once(run)
    st.session_state["chart"] = view_options.chart_options()
    for warning in run.url_warnings:
        st.warning(warning)


def test_first_visit_takes_the_url_and_rewrites_it_without_the_bad_parts() -> None:
    app = AppTest.from_function(_page)
    app.query_params.update(
        {"epochs": "3", "speed": "1000", "loss_scale": "log", "smoothing": "0.9", "learning_rate": ["0.1", "0.2"]}
    )
    app.run()
    assert not app.exception
    run = app.session_state["run"]
    assert (run.config.epochs, run.config.learning_rate, run.speed) == (3, 0.01, 1000.0)
    assert app.session_state["chart"] == (True, 0.9)
    assert [w.value for w in app.warning] == [
        "URL parameter learning_rate is given 2 times ('0.1', '0.2'); give it once. Using the default."
    ]
    assert app.query_params == {"epochs": "3", "speed": "1000", "loss_scale": "log", "smoothing": "0.9"}


def test_later_runs_write_the_current_settings_and_keep_the_url_warnings() -> None:
    app = AppTest.from_function(_page)
    app.query_params["speed"] = "zz"
    app.run()
    assert "speed='zz'" in app.warning[0].value and app.query_params == {}
    app.segmented_control(key="loss_scale").set_value("log").run()
    assert app.query_params == {"loss_scale": "log"}
    assert app.session_state["chart"] == (True, 0.0) and "speed='zz'" in app.warning[0].value
