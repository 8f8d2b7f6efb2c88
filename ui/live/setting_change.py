"""Applies one sidebar change to the live run, or explains why it was refused and restores the widget."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.engine.errors import EngineError
from core.regression.config import ConfigError
from core.regression.fields import FIELDS
from core.regression.value_text import display_text
from ui.engine_handle import engine_error_message
from ui.live import sidebar_form
from ui.live.run_state import LiveRun


def on_setting_change(run: LiveRun, field: str, value: Any) -> None:
    """A sidebar widget changed: update the live run; on a bad value, explain and restore the widget."""
    run.url_warnings = []
    try:
        if field == "speed":
            run.speed = sidebar_form.speed_value(value)
        elif field == "backend":
            run.set_backend(value)
        elif value is None:
            allowed = sidebar_form.allowed_text(FIELDS[field], run.config)
            _refuse(run, field, f"{sidebar_form.LABELS[field]} needs a number (empty or not finite): allowed {allowed}")
        else:
            events = run.change(**{field: value})
            if events:
                st.toast(f"{sidebar_form.LABELS[field]} → {display_text(value)}")
    except ConfigError as error:
        label = sidebar_form.LABELS.get(field, field)
        _refuse(run, field, f"{label} = {value!r} is not allowed: {error.allowed}")
    except EngineError as error:
        run.notices.append(engine_error_message(error))


def _refuse(run: LiveRun, field: str, problem: str) -> None:
    """Explain a refused value and put the run's value back in the widget."""
    kept = getattr(run.config, field)
    run.notices.append(f"{problem}. Kept {display_text(kept)}.")
    st.session_state[sidebar_form.widget_key(field)] = kept
