"""The sidebar form for every RegressionConfig field, the backend and the speed; written once, shared by pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core.regression.config import RegressionConfig
from core.regression.fields import BACKEND_NAMES, FIELD_TABLE, FORM_FIELDS, FieldSpec, applies, choice_label, range_text

KEY_PREFIX = "cfg_"
LEARNING_RATES = [m * 10.0**e for e in range(-5, 1) for m in (1, 2, 5)] + [10.0]
SPEEDS: dict[str, float | None] = {
    "1/s": 1,
    "2/s": 2,
    "5/s": 5,
    "10/s": 10,
    "20/s": 20,
    "50/s": 50,
    "100/s": 100,
    "200/s": 200,
    "500/s": 500,
    "1k/s": 1_000,
    "5k/s": 5_000,
    "20k/s": 20_000,
    "100k/s": 100_000,
    "as fast as possible": None,
}
DEFAULT_SPEED = 200.0  # LiveRun's starting speed
LABELS: dict[str, str] = {spec.name: spec.label for spec in FIELD_TABLE}
SECTIONS: dict[str, str] = {"data": "Target and data", "training": "Training"}
OnChange = Callable[[str, Any], None]


def widget_key(field: str) -> str:
    """Session-state key of a field's widget."""
    return KEY_PREFIX + field


def seed_widgets(config: RegressionConfig, backend: str, speed: float | None) -> None:
    """Give widgets their values from the run (needed after visiting another page drops widget state)."""
    values = {**config.to_dict(), "backend": backend, "speed": _speed_label(speed)}
    for name, value in values.items():
        st.session_state.setdefault(widget_key(name), value)


def _speed_label(speed: float | None) -> str:
    known = speed if speed in SPEEDS.values() else DEFAULT_SPEED
    return next(label for label, value in SPEEDS.items() if value == known)


def speed_value(label: str) -> float | None:
    """Steps per second for a speed label (None = as fast as possible)."""
    return SPEEDS[label]


def _lr_options(current: float) -> list[float]:
    return sorted(set(LEARNING_RATES) | {current})


def render(
    config: RegressionConfig, on_change: OnChange, data_source_panel: Callable[[], RegressionConfig] | None = None
) -> None:
    """Draw the sidebar; each change calls on_change(field, new value) before the page reruns.

    Only the fields that mean something for the run's data source are shown (Curvature a for curved data, no
    targets or Samples for your own data). data_source_panel, if given, draws the Data source box and what
    goes with it (ui.live.data_upload) in its place, and returns the run's config after it (an upload changes it).
    """

    def changed(field: str) -> Callable[[], None]:
        return lambda: on_change(field, st.session_state[widget_key(field)])

    sidebar = st.sidebar
    sidebar.header("Settings")
    sidebar.caption("Changes apply to the running run from its next step; Reset starts over.")
    for section, title in SECTIONS.items():
        with sidebar.expander(title, expanded=True):
            for spec in FORM_FIELDS:
                if spec.section != section or not applies(spec, config.data_source):
                    continue
                if spec.name == "data_source" and data_source_panel is not None:
                    config = data_source_panel()
                else:
                    _field_widget(spec, config, changed(spec.name))
    with sidebar.expander("Engine", expanded=True):
        st.selectbox(
            "Backend",
            BACKEND_NAMES,
            key=widget_key("backend"),
            on_change=changed("backend"),
            help="compiled: XLA GradientTape loop; eager: the tutorial's Python loop",
        )
        speed = widget_key("speed")
        st.select_slider("Speed (steps per second)", options=list(SPEEDS), key=speed, on_change=changed("speed"))


def allowed_text(spec: FieldSpec, config: RegressionConfig) -> str:
    """A field's allowed range now, from its row: "1 – 10,000,000", or "1 – Samples (1,000)" for batch_size."""
    limit = getattr(config, spec.high) if isinstance(spec.high, str) else None
    return range_text(spec, limit)


def _field_widget(spec: FieldSpec, config: RegressionConfig, on_change: Callable[[], None]) -> None:
    """The widget its row of the field table asks for: a toggle, a select box, a log slider or a number.

    Number inputs get no min_value or max_value: Streamlit's frontend would silently refuse a value outside
    them (a red "(!)" and stale output). The allowed range is shown under the widget and in its help, any
    value reaches the setting-change handler, which warns and restores the old one, and value=None lets an
    emptied box (or NaN) arrive as None rather than as a silent default.
    """
    key, label = widget_key(spec.name), spec.label
    if spec.kind is bool:
        st.toggle(label, key=key, on_change=on_change, help=spec.help)
    elif spec.choices:
        labels = lambda choice: choice_label(spec, choice)  # noqa: E731
        st.selectbox(label, spec.choices, key=key, on_change=on_change, help=spec.help, format_func=labels)
    elif spec.log_scale:
        options = _lr_options(getattr(config, spec.name))
        st.select_slider(
            label, options=options, key=key, format_func=lambda v: f"{v:g}", on_change=on_change, help=spec.help
        )
    else:
        allowed = allowed_text(spec, config)
        step = int(spec.step) if spec.kind is int else float(spec.step)
        st.number_input(
            label,
            value=None,
            step=step,
            key=key,
            on_change=on_change,
            help=f"{spec.help}. Allowed: {allowed}.",
            format=spec.number_format,
        )
        st.caption(f"Allowed: {allowed}")
