"""Draws one live regression frame: the divergence message and the four charts, and feeds them each tick."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.figures import loss_contour
from ui.live import feed_state, frame_deltas, frame_figures, lane_figures, readouts
from ui.live.chart_component import live_chart, live_feed
from ui.live.feed_stream import FeedStream
from ui.live.run_state import LiveRun

# At 1280×720 the first charts must show without scrolling: a smaller top margin and a compact metrics row.
COMPACT_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }
.st-key-live_metrics [data-testid="stMetricValue"] { font-size: 1.5rem; line-height: 1.25; }
.st-key-live_metrics [data-testid="stMetricDelta"] { margin-top: -0.15rem; }
</style>"""


def divergence(view: dict[str, Any]) -> None:
    """Why the run stopped and what to try."""
    if view["status"] == "diverged":
        st.error(
            f"{view['message']} The charts and metrics keep step {view['steps_done']:,}, the last finite one. "
            "Lower the learning rate in "
            "the sidebar and press Play to carry on from there, or press Reset to start over."
        )


CHART_KEYS = ("trace_chart", "loss_chart", "data_chart", "landscape_chart")
STREAM_KEY = "live_feed_stream"
CONTOUR_KEY = "live_feed_contour"


def chart_figures(run: LiveRun, view: dict[str, Any], log_scale: bool) -> dict[str, dict[str, Any]]:
    """The four whole figures for a frame (a full draw), which later ticks extend (see feed)."""
    revision, frame = run.revision, run.frame
    samples = run.samples or {"x": [], "y": []}
    figures = {
        "trace_chart": frame_figures.trace_figure(view, revision, frame),
        "loss_chart": frame_figures.loss_figure(view, revision, log_scale, run.smoothing, frame),
        "data_chart": frame_figures.data_figure(view, samples, revision, frame),
    }
    if run.surface is not None:
        figures["landscape_chart"] = frame_figures.landscape_figure(view, run.surface, revision, frame)
    if view.get("race"):
        lane_figures.add_lanes(figures, view, samples)
    feed_state.current()[STREAM_KEY] = FeedStream.start(f"{revision}/{frame}", view, chart_deltas(run, view))
    return figures


def chart_deltas(run: LiveRun, view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each chart's delta for a frame: the rows to append and the parts to set (frame_deltas)."""
    samples = run.samples or {"x": [], "y": []}
    deltas = {
        "trace_chart": frame_deltas.trace_delta(view),
        "loss_chart": frame_deltas.loss_delta(view, run.smoothing),
        "data_chart": frame_deltas.data_delta(view, samples, "samples" in view),
    }
    if run.surface is not None:
        deltas["landscape_chart"] = frame_deltas.landscape_delta(view, run.surface, _contour(run))
    if view.get("race"):
        lane_figures.lane_deltas(deltas, view, samples)
    return deltas


def _contour(run: LiveRun) -> dict[str, Any]:
    """The landscape's contour trace, built once per surface (it is 60 × 60 packed floats)."""
    state = feed_state.current()
    cached = state.get(CONTOUR_KEY)
    if cached is None or cached[0] != run.surface_key:
        cached = state[CONTOUR_KEY] = (run.surface_key, loss_contour(run.surface, "mean loss"))
    return cached[1]


def feed_since(run: LiveRun) -> tuple[str, int] | None:
    """What a tick asks the engine for: the rows after what the charts hold (None: the whole series)."""
    stream = feed_state.current().get(STREAM_KEY)
    if not isinstance(stream, FeedStream) or not stream.chart_stream.startswith(f"{run.revision}/"):
        return None
    return stream.since()


def feed(
    run: LiveRun,
    view: dict[str, Any],
    log_scale: bool,
    next_tick_s: float | None,
    fresh: bool,
    link: dict[str, str] | None = None,
) -> None:
    """Send a tick's news to the charts: only the new rows and changed parts, or whole figures after a break; the
    metrics' and status line's new texts (ui.live.readouts); and when the next tick is due (next_tick_s after this
    one was asked for; None stops the clock).

    fresh: the charts were just drawn whole by this full run, so only the clock is sent. link: where the browser
    asks for the next ticks over HTTP (ui/live/tick_route.py), if it may. If the browser's charts hold another
    stream (it missed a full draw), it asks for one and the app reruns.
    """
    clock = {"tick": run.frame, "next": next_tick_s, **({"http": link} if link else {})}
    if fresh:
        live_feed(clock)
        return
    delta = delta_payload(run, view, next_tick_s)
    if delta is None:
        live_feed({"full": chart_figures(run, view, log_scale), **clock, "readouts": readouts.payload(run, view)})
        return
    payload, fed = delta
    resync = live_feed({**payload, **clock})
    fed()
    if resync:
        st.rerun(scope="app")


def delta_payload(
    run: LiveRun, view: dict[str, Any], next_tick_s: float | None
) -> tuple[dict[str, Any], Callable[[], None]] | None:
    """A tick's news as rows and changed parts of the figures the browser holds, with the readouts' texts and
    the clock; and what to call once it has gone out. None when the browser needs whole figures instead."""
    stream = feed_state.current().get(STREAM_KEY)
    if "new" not in view or not isinstance(stream, FeedStream):
        return None
    charts, prints = {}, {}
    for key, delta in chart_deltas(run, view).items():
        charts[key], prints[key] = stream.fresh(key, delta)
    payload = {
        "stream": stream.chart_stream,
        "frame": run.frame,
        "from": view["new"]["from"],
        "columns": frame_deltas.columns(view["new"]),
        "charts": charts,
        "tick": run.frame,
        "next": next_tick_s,
        "readouts": readouts.payload(run, view),
    }
    return payload, lambda: stream.fed(view["steps_done"], prints)


def stop_clock(run: LiveRun) -> None:
    """Nothing plays: the feed tells the browser not to ask for another tick."""
    live_feed({"tick": run.frame, "next": None})


def charts(figures_by_key: dict[str, dict[str, Any]]) -> None:
    """trace_chart, loss_chart, data_chart and landscape_chart in a 2 × 2 grid (drawn by full runs), and the
    compact metrics' style (here, so the ticks need not send it)."""
    st.html(COMPACT_CSS)
    for row in (CHART_KEYS[:2], CHART_KEYS[2:]):
        for column, key in zip(st.columns(2), row):
            if key in figures_by_key:
                with column:
                    live_chart(figures_by_key[key], key)
