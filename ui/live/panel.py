"""Draws one live regression frame: metrics, status, progress, divergence message and the four charts."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from ui.live import frame_figures, rate_display
from ui.live.chart_component import live_chart
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
    st.html(COMPACT_CSS)
    columns = st.container(key="live_metrics").columns(4)
    for column, label, value, target, name in (
        (columns[0], "Weight", view["w"], config["w_target"], "w*"),
        (columns[1], "Bias", view["b"], config["b_target"], "b*"),
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
    columns[3].metric(
        "Step",
        f"{view['steps_done']:,}",
        f"{left:,} to go" if left else "finished",
        delta_color="off",
        delta_arrow="off",
    )


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


SLOW_CHART_EVERY = 3
CHART_KEYS = ("trace_chart", "loss_chart", "data_chart", "landscape_chart")


def chart_figures(run: LiveRun, view: dict[str, Any], log_scale: bool) -> dict[str, dict[str, Any]]:
    """The four figures for a frame. data_chart and landscape_chart (heavier to draw in the browser) are rebuilt
    every third frame while playing, and every frame otherwise."""
    revision, frame = run.revision, run.frame
    built = {
        "trace_chart": frame_figures.trace_figure(view, revision, frame),
        "loss_chart": frame_figures.loss_figure(view, revision, log_scale, run.smoothing, frame),
    }
    if not run.playing or frame % SLOW_CHART_EVERY == 0 or "data_chart" not in run.slow_figures:
        samples = run.samples or {"x": [], "y": []}
        run.slow_figures["data_chart"] = frame_figures.data_figure(view, samples, revision, frame)
        if run.surface is not None:
            run.slow_figures["landscape_chart"] = frame_figures.landscape_figure(view, run.surface, revision, frame)
    return {**built, **run.slow_figures}


def charts(figures_by_key: dict[str, dict[str, Any]]) -> None:
    """trace_chart, loss_chart, data_chart and landscape_chart in a 2 × 2 grid (drawn by full runs)."""
    for row in (CHART_KEYS[:2], CHART_KEYS[2:]):
        for column, key in zip(st.columns(2), row):
            if key in figures_by_key:
                with column:
                    live_chart(figures_by_key[key], key)
