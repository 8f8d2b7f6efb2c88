"""Live Regression: the tutorial's GradientTape fit of y = w·x + b, trained step by step in the browser."""

from __future__ import annotations

import streamlit as st

from ui.live import (
    data_upload,
    feed_state,
    http_tick,
    lane_editor,
    lanes_table,
    lr_find_panel,
    panel,
    readouts,
    session,
    setting_change,
    sidebar_form,
    tick_route,
    timeline,
    url_sync,
    view_options,
)
from ui.page_setup import setup_page

setup_page("Live Regression")
st.title("📈 Live Regression")
st.caption(
    "The tutorial's regression, live: each step runs `tf.GradientTape` on one sample (or batch) in the engine "
    "process and moves w and b. Change anything in the sidebar while it runs."
)

run = session.current_run()
with run.lock:  # a tick served over HTTP (ui/live/http_tick.py) waits for this run of the page
    url_sync.apply_url_once(run)
    sidebar_form.seed_widgets(run.config, run.backend, run.speed)
    lane_editor.controls(run)
    sidebar_form.render(
        run.config,
        lambda field, value: setting_change.on_setting_change(run, field, value),
        data_source_panel=lambda: data_upload.panel(run),
    )
    session.show_notices(run)
    controls_slot = st.container()
    lane_editor.editor(run)
    log_scale, run.smoothing = view_options.chart_options()
    status_slot, tick_slot, charts_slot, lanes_slot, export_slot = (st.container() for _ in range(5))

    view = session.full_run_view(run)
    with controls_slot:  # drawn after this run's tick, so a run that just finished shows the right buttons
        session.controls(run)
    if view is not None:
        with status_slot:
            readouts.metrics(view)
            readouts.status_line(run, view)
            panel.divergence(view)
        with status_slot if view.get("lanes") else lanes_slot:  # a race's table above the charts, a single's below
            lanes_table.show(view, run.playing)
        with charts_slot:
            panel.charts(panel.chart_figures(run, view, log_scale))
            if timeline.available(run, view):
                timeline.show(run)
    with export_slot:
        session.exports(run)
        lr_find_panel.panel(run)
    session.note_playing(run)


@st.fragment
def live_ticks() -> None:
    """While playing, each tick advances the run and feeds the charts, metrics and status line what is new, with
    when its next tick is due. The browser asks for the ticks over HTTP where the server allows
    (ui/live/tick_route.py), else with a trigger that reruns this fragment (ui/live/chart_component.py)."""
    with run.lock:
        session.tick_begins(run)
        fresh = session.first_frame_of_full_run(run)
        if not (run.playing or run.ticking):
            tick_route.forget()
            panel.stop_clock(run)
            return
        tick_view = run.view if fresh else session.refresh(run, panel.feed_since(run) if run.playing else None)
        if tick_view is None:
            return
        link = tick_route.link(http_tick.server(run, feed_state.current())) if run.playing else None
        # ticking but no longer playing: this tick ended the run; its last rows go out, then the page reruns
        panel.feed(run, tick_view, log_scale, session.next_tick_s(run) if run.playing else None, fresh, link)
        session.stop_ticking_when_finished(run)
        if lanes_table.needs_redraw(tick_view):  # a lane diverged: its reason shows under the table
            st.rerun(scope="app")


with run.lock, tick_slot:  # called last, so a full run's tick reuses the view it just fetched
    live_ticks()
