"""ui.compare.picks: one owner for the picked runs; a view's widget key changes with every change made elsewhere,
and a change from a widget drawn for older picks is dropped."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    import streamlit as st

    from ui.compare import picks

    for action, args in st.session_state.pop("actions", []):
        getattr(picks, action)(*args)
    st.session_state["seen"] = {
        "picked": picks.picked(),
        "table": picks.widget_key(picks.TABLE, "t"),
        "picker": picks.widget_key(picks.PICKER, "p"),
        "versions": (picks.version(picks.TABLE), picks.version(picks.PICKER)),
    }


def run(app: AppTest, *actions: tuple[str, tuple]) -> dict:
    app.session_state["actions"] = list(actions)
    app.run()
    assert not app.exception
    return app.session_state["seen"]


def test_a_change_from_outside_renews_every_view_and_a_views_own_change_renews_the_others() -> None:
    app = AppTest.from_function(_page)
    assert run(app) == {"picked": [], "table": "t", "picker": "p", "versions": (0, 0)}
    seen = run(app, ("replace", ([3, 1, 3],)))  # a group, "Keep only these", the URL…: both views start afresh
    assert seen == {"picked": [3, 1], "table": "t_1", "picker": "p_1", "versions": (1, 1)}
    seen = run(app, ("take", ("table", 1, [3, 1, 7])))  # a tick in the table keeps the table's widget
    assert seen == {"picked": [3, 1, 7], "table": "t_1", "picker": "p_2", "versions": (1, 2)}


def test_a_change_from_a_widget_drawn_for_older_picks_changes_nothing() -> None:
    app = AppTest.from_function(_page)
    run(app, ("replace", ([5, 6],)))
    seen = run(app, ("take", ("picker", 0, [])))  # the picker as the browser still showed it before the group
    assert seen["picked"] == [5, 6] and seen["versions"] == (1, 1)
    seen = run(app, ("take", ("picker", 1, [6])))  # the current picker
    assert seen["picked"] == [6] and seen["versions"] == (2, 1)
