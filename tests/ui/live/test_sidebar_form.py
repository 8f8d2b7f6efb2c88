"""ui.live.sidebar_form: one widget per field-table row, number boxes without frontend bounds, ranges shown."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.regression.config import RegressionConfig
from core.regression.fields import FIELD_TABLE, FIELDS, applies
from ui.live.sidebar_form import DEFAULT_SPEED, SPEEDS, allowed_text, speed_value, widget_key

NUMBER_FIELDS = [
    spec.name
    for spec in FIELD_TABLE
    if spec.kind in (int, float) and not spec.log_scale and spec.in_form and applies(spec, "synthetic")
]


def _form() -> None:
    import streamlit as st

    from core.regression.config import RegressionConfig
    from ui.live import sidebar_form

    config = RegressionConfig(n_samples=250)
    sidebar_form.seed_widgets(config, "compiled", 200.0)
    sidebar_form.render(config, lambda field, value: st.session_state.setdefault("changes", []).append((field, value)))


def test_every_field_has_its_widget_with_the_old_labels_and_keys() -> None:
    app = AppTest.from_function(_form).run()
    assert not app.exception
    for name in NUMBER_FIELDS:
        widget = app.sidebar.number_input(key=widget_key(name))
        assert widget.label == FIELDS[name].label and widget.value == getattr(RegressionConfig(n_samples=250), name)
    assert app.sidebar.select_slider(key="cfg_learning_rate").label == FIELDS["learning_rate"].label
    assert app.sidebar.selectbox(key="cfg_optimizer").value == "sgd"
    assert app.sidebar.toggle(key="cfg_shuffle").value is False


def test_number_boxes_have_no_frontend_bounds_and_show_their_range() -> None:
    app = AppTest.from_function(_form).run()
    captions = [caption.value for caption in app.sidebar.caption]
    for name in NUMBER_FIELDS:
        widget = app.sidebar.number_input(key=widget_key(name))
        assert not widget.proto.has_min and not widget.proto.has_max, name
        allowed = allowed_text(FIELDS[name], RegressionConfig(n_samples=250))
        assert f"Allowed: {allowed}" in captions and allowed in widget.help, name
    assert "Allowed: 1 – 10,000,000" in captions and "Allowed: 1 – Samples (250)" in captions


def test_an_out_of_range_number_reaches_the_change_handler() -> None:
    app = AppTest.from_function(_form).run()
    app.sidebar.number_input(key="cfg_n_samples").set_value(20_000_000).run()
    app.sidebar.number_input(key="cfg_w_target").set_value(None).run()
    assert app.session_state["changes"] == [("n_samples", 20_000_000), ("w_target", None)]


def test_speed_labels_and_values() -> None:
    assert speed_value("as fast as possible") is None and speed_value("1k/s") == 1000
    assert DEFAULT_SPEED in SPEEDS.values()


def _curved_form() -> None:
    import streamlit as st

    from core.regression.config import RegressionConfig
    from ui.live import sidebar_form

    config = RegressionConfig(data_source="curved")
    sidebar_form.seed_widgets(config, "compiled", 200.0)
    sidebar_form.render(config, lambda field, value: st.session_state.setdefault("changes", []).append((field, value)))


def test_a_data_source_shows_its_own_fields_and_the_box_its_labels() -> None:
    shown = {box.label for box in AppTest.from_function(_form).run().sidebar.number_input}
    assert not shown & {"Outlier fraction", "Noise growth", "Curvature a"}
    app = AppTest.from_function(_curved_form).run()
    labels = {box.label for box in app.sidebar.number_input}
    assert "Curvature a" in labels and not labels & {"Outlier fraction", "Noise growth"}
    box = app.sidebar.selectbox(key="cfg_data_source")
    assert box.label == "Data source" and box.value == "curved" and "Your data (CSV)" in box.options
    app.sidebar.selectbox(key="cfg_data_source").set_value("outliers").run()
    assert app.session_state["changes"] == [("data_source", "outliers")]
