"""Live Regression: the tutorial's GradientTape fit of y = w·x + b, trained step by step in the browser."""

from __future__ import annotations

import streamlit as st

from core.client import EngineError
from core.config import ConfigError
from ui import config_form, live_panel, live_session
from ui.engine import engine_error_message
from ui.page_setup import setup_page

setup_page("Live Regression")
st.title("📈 Live Regression")
st.caption(
    "The tutorial's regression, live: each step runs `tf.GradientTape` on one sample (or batch) in the engine "
    "process and moves w and b. Change anything in the sidebar while it runs."
)

run = live_session.current_run()
live_session.apply_url_once(run)
config_form.seed_widgets(run.config, run.backend, run.speed)
config_form.render(run.config, lambda field, value: live_session.on_setting_change(run, field, value))
live_session.show_notices(run)
live_session.controls(run)
log_scale, run.smoothing = live_session.chart_options()
live_slot, export_slot = st.container(), st.container()

with export_slot:
    live_session.exports(run)


@st.fragment(run_every=live_session.tick_interval(run))
def live_area() -> None:
    """One frame; it ticks (advancing the run) only while playing. Kept last so a full run ends right after it."""
    try:
        view = run.tick()
    except (EngineError, ConfigError) as error:
        run.playing = False
        st.error(engine_error_message(error) if isinstance(error, EngineError) else str(error))
        return
    live_panel.metrics(view)
    live_panel.status_line(run, view)
    live_panel.divergence(view)
    live_panel.charts(run, view, log_scale)
    live_session.stop_ticking_when_finished(run)


with live_slot:
    live_area()
