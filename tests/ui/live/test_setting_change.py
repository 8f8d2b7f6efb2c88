"""ui.live.setting_change: a sidebar change applied to the run, or refused with a message and undone."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def _page() -> None:
    import streamlit as st

    from ui.live.run_state import LiveRun
    from ui.live.setting_change import on_setting_change

    run = st.session_state.setdefault("run", LiveRun(client=None))
    for field, value in st.session_state.pop("changes", []):
        on_setting_change(run, field, value)
    for notice in run.notices:
        st.warning(notice)
    run.notices.clear()


def _change(field: str, value: object) -> AppTest:
    app = AppTest.from_function(_page)
    app.session_state["changes"] = [(field, value)]
    return app.run()


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("n_samples", 20_000_000, "Samples = 20000000 is not allowed: must be a whole number in [1, 10,000,000]"),
        ("n_samples", float("nan"), "Samples = nan is not allowed"),
        ("epochs", float("inf"), "Epochs = inf is not allowed"),
        ("w_target", float("-inf"), "Target weight w* = -inf is not allowed"),
        ("noise_std", -1.0, "Noise std = -1.0 is not allowed: must be a finite number in [0, 1000]"),
        ("seed", None, "Seed needs a number (empty or not finite): allowed 0 – 2,147,483,647"),
        ("batch_size", 5000, "Batch size = 5000 is not allowed: must be a whole number in [1, 1,000]"),
        ("n_samples", 10_000_000, "epochs=2 × ceil(n_samples=10000000 / batch_size=1) = 20,000,000 steps"),
    ],
)
def test_a_bad_value_is_explained_and_the_widget_gets_the_runs_value_back(field: str, value: object, says: str) -> None:
    app = _change(field, value)
    assert not app.exception
    assert len(app.warning) == 1 and says in app.warning[0].value and "Kept " in app.warning[0].value
    run = app.session_state["run"]
    assert app.session_state[f"cfg_{field}"] == getattr(run.config, field)


def test_good_values_change_the_run_in_order() -> None:
    app = AppTest.from_function(_page)
    app.session_state["changes"] = [("epochs", 1), ("n_samples", 10_000_000), ("speed", "1k/s")]
    app.run()
    run = app.session_state["run"]
    assert not app.warning and (run.config.n_samples, run.config.epochs, run.speed) == (10_000_000, 1, 1000)
