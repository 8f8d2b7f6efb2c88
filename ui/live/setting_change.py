"""Applies one sidebar change to the live run, or explains why it was refused and restores the widget."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.engine.errors import EngineError
from core.regression.config import ConfigError
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
        else:
            events = run.change(**{field: value})
            if events:
                st.toast(
                    f"{sidebar_form.LABELS[field]} → {value:g}"
                    if isinstance(value, float)
                    else f"{sidebar_form.LABELS[field]} → {value}"
                )
    except ConfigError as error:
        label = sidebar_form.LABELS.get(field, field)
        run.notices.append(f"{label} = {value!r} is not allowed: {error.allowed}. Kept {getattr(run.config, field)!r}.")
        st.session_state[sidebar_form.widget_key(field)] = getattr(run.config, field)
    except EngineError as error:
        run.notices.append(engine_error_message(error))
