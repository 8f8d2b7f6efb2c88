"""Draws one live regression frame: metrics, status, progress, divergence message and the four charts."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.live import frame_figures
from ui.live.chart_component import live_chart
from ui.live.run_state import LiveRun


def status_word(run: LiveRun, view: dict[str, Any]) -> str:
    """running, paused, done or diverged."""
    if view["status"] != "running":
        return view["status"]
    return "running" if run.playing else "paused"


def metrics(view: dict[str, Any]) -> None:
    """Weight, Bias, Loss and Step, each with its delta to the target."""
    config = view["config"]
    optimum_loss = view.get("optimum_loss", 0.0)
    columns = st.columns(4)
    columns[0].metric("Weight", f"{view['w']:.4f}", f"{view['w'] - config['w_target']:+.4f} vs w*", delta_color="off")
    columns[1].metric("Bias", f"{view['b']:.4f}", f"{view['b'] - config['b_target']:+.4f} vs b*", delta_color="off")
    columns[2].metric(
        "Loss",
        f"{view['mean_loss']:.4g}",
        f"{view['mean_loss'] - optimum_loss:+.3g} vs best fit",
        delta_color="off",
        help="mean loss over all the data at the current w and b; the loss chart shows each step's own loss",
    )
    left = view["total_steps"] - view["steps_done"]
    columns[3].metric("Step", f"{view['steps_done']:,}", f"{left:,} to go" if left else "finished", delta_color="off")


def status_line(run: LiveRun, view: dict[str, Any]) -> None:
    """Status, speed, epoch and a progress bar over the total number of steps."""
    word = status_word(run, view)
    rate = f" · {run.rate:,.0f} steps/s" if run.playing and run.rate else ""
    epoch = min(view["epoch"] + 1, view["config"]["epochs"])
    st.markdown(f"**Status:** `{word}`{rate} · epoch {epoch}/{view['config']['epochs']} · backend {view['backend']}")
    total = max(view["total_steps"], 1)
    st.progress(min(view["steps_done"] / total, 1.0), text=f"{view['steps_done']:,} / {view['total_steps']:,} steps")


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
