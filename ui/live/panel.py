"""Draws one live regression frame: metrics, status, progress, divergence message and the four charts."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from ui.figures import loss_contour
from ui.live import frame_deltas, frame_figures, lane_figures, rate_display
from ui.live.chart_component import live_chart, live_feed
from ui.live.feed_stream import FeedStream
from ui.live.run_state import LiveRun

RATE_SAMPLES_KEY = "live_rate_samples"
# At 1280×720 the first charts must show without scrolling: a smaller top margin and a compact metrics row.
COMPACT_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }
.st-key-live_metrics [data-testid="stMetricValue"] { font-size: 1.5rem; line-height: 1.25; }
.st-key-live_metrics [data-testid="stMetricDelta"] { margin-top: -0.15rem; }
</style>"""


def status_word(run: LiveRun, view: dict[str, Any]) -> str:
    """ready (nothing run yet), running, paused, done or diverged."""
    if view["status"] != "running":
        return view["status"]
    if run.playing:
        return "running"
    return "paused" if view["steps_done"] else "ready"


def delta_to_target(value: float, target: float, name: str) -> tuple[str, str]:
    """'+0.1234 vs w*' with its arrow, or 'on target' (no arrow) when it rounds to zero: never '-0.0000'."""
    delta = value - target
    if f"{abs(delta):.4f}" == "0.0000":
        return "on target", "off"
    return f"{delta:+.4f} vs {name}", "auto"


def metrics(view: dict[str, Any]) -> None:
    """Weight, Bias, Loss and Step, each with its delta to the target, in one compact row."""
    config = view["config"]
    optimum_loss = view.get("optimum_loss", 0.0)
    row = st.container(key="live_metrics", horizontal=True)  # one block, not a block per column: cheaper per tick
    columns = (row, row, row, row)
    true_line = view.get("true_line", True)  # without one, w_target and b_target hold the least-squares fit
    for column, label, value, target, name in (
        (columns[0], "Weight", view["w"], config["w_target"], "w*" if true_line else "LS w"),
        (columns[1], "Bias", view["b"], config["b_target"], "b*" if true_line else "LS b"),
    ):
        delta, arrow = delta_to_target(value, target, name)
        column.metric(label, f"{value:.4f}", delta, delta_color="off", delta_arrow=arrow)
    columns[2].metric(
        "Loss",
        f"{view['mean_loss']:.4g}",
        f"{view['mean_loss'] - optimum_loss:+.3g} vs best fit",
        delta_color="off",
        help="mean loss over all the data at the current w and b; the loss chart shows each step's own loss",
    )
    left = view["total_steps"] - view["steps_done"]
    converged = view.get("converged_step")
    columns[3].metric(
        "Step",
        f"{view['steps_done']:,}",
        f"converged at step {converged:,}" if converged is not None else f"{left:,} to go" if left else "finished",
        delta_color="off",
        delta_arrow="off",
    )
    fit_metrics(row, view.get("fit"))


FIT_HELP = {
    "R²": "1 − (sum of squared residuals) / (sum of squares of y about its mean), over all the data",
    "RMSE": "root mean squared error of the current line over all the data",
    "MAE": "mean absolute error of the current line over all the data",
}


def fit_metrics(row: Any, fit: dict[str, float] | None) -> None:
    """R², RMSE and MAE of the current fit on the data, beside the other metrics."""
    if not fit:
        return
    for label, value in (("R²", f"{fit['r2']:.4f}"), ("RMSE", f"{fit['rmse']:.4g}"), ("MAE", f"{fit['mae']:.4g}")):
        row.metric(label, value, help=FIT_HELP[label])


def shown_rate(run: LiveRun, steps_done: int) -> str:
    """The speed while playing, over a window of recent frames kept in session_state ('' when not playing)."""
    if not run.playing:
        st.session_state[RATE_SAMPLES_KEY] = []
        return ""
    speed = None if run.run_to_end else run.speed
    samples = rate_display.kept_samples(
        st.session_state.get(RATE_SAMPLES_KEY, []), time.perf_counter(), steps_done, speed
    )
    st.session_state[RATE_SAMPLES_KEY] = samples
    return rate_display.rate_text(rate_display.windowed_rate(samples), speed)


def status_line(run: LiveRun, view: dict[str, Any]) -> None:
    """Status, speed, steps, epoch and backend on one line, over a thin progress bar."""
    word = status_word(run, view)
    rate = shown_rate(run, view["steps_done"])
    epoch = min(view["epoch"] + 1, view["config"]["epochs"])
    parts = [
        f"**Status:** `{word}`",
        *([rate] if rate else []),
        f"{view['steps_done']:,} / {view['total_steps']:,} steps",
        f"epoch {epoch}/{view['config']['epochs']}",
        f"backend {view['backend']}",
    ]
    st.markdown(" · ".join(parts))
    total = max(view["total_steps"], 1)
    st.progress(min(view["steps_done"] / total, 1.0))


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
    st.session_state[STREAM_KEY] = FeedStream.start(f"{revision}/{frame}", view, chart_deltas(run, view))
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
    cached = st.session_state.get(CONTOUR_KEY)
    if cached is None or cached[0] != run.surface_key:
        cached = st.session_state[CONTOUR_KEY] = (run.surface_key, loss_contour(run.surface, "mean loss"))
    return cached[1]


def feed_since(run: LiveRun) -> tuple[str, int] | None:
    """What a tick asks the engine for: the rows after what the charts hold (None: the whole series)."""
    stream = st.session_state.get(STREAM_KEY)
    if not isinstance(stream, FeedStream) or not stream.chart_stream.startswith(f"{run.revision}/"):
        return None
    return stream.since()


def feed(run: LiveRun, view: dict[str, Any], log_scale: bool, next_tick_s: float | None, fresh: bool) -> None:
    """Send a tick's news to the charts: only the new rows and changed parts, or whole figures after a break; and
    when the next tick is due (next_tick_s after this one was asked for; None stops the clock).

    fresh: the charts were just drawn whole by this full run, so only the clock is sent. If the browser's charts
    hold another stream (it missed a full draw), it asks for one and the app reruns.
    """
    clock = {"tick": run.frame, "next": next_tick_s}
    stream = st.session_state.get(STREAM_KEY)
    if fresh:
        live_feed(clock)
        return
    if "new" not in view or not isinstance(stream, FeedStream):
        live_feed({"full": chart_figures(run, view, log_scale), **clock})
        return
    charts, prints = {}, {}
    for key, delta in chart_deltas(run, view).items():
        charts[key], prints[key] = stream.fresh(key, delta)
    payload = {
        "stream": stream.chart_stream,
        "frame": run.frame,
        "from": view["new"]["from"],
        "columns": frame_deltas.columns(view["new"]),
        "charts": charts,
        **clock,
    }
    resync = live_feed(payload)
    stream.fed(view["steps_done"], prints)
    if resync:
        st.rerun(scope="app")


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
