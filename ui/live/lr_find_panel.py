"""Find learning rate: the range test's loss-against-learning-rate chart, its suggestion and Use this learning rate."""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from core.engine.errors import EngineError
from core.regression.config import ConfigError
from ui.engine_handle import engine_error_message
from ui.live import sidebar_form
from ui.live.run_state import LiveRun

FIND_LABEL = "Find learning rate"
USE_LABEL = "Use this learning rate"
RESULT_KEY = "lr_find_result"
RULE = (
    "Each learning rate trains the current settings for {steps:,} steps, all 64 together in one compiled call. "
    "Suggested: the largest learning rate that stays stable (it and every smaller one stay finite and end no "
    "worse than they started) and ends within 1% of the lowest loss."
)


def range_figure(found: dict[str, Any]) -> go.Figure:
    """Mean loss after the budget against learning rate, log on both axes; the suggestion, edge and 2/λ_max."""
    rates, losses = found["learning_rates"], found["losses"]
    kept = [(rate, loss) for rate, loss in zip(rates, losses) if loss is not None]
    figure = go.Figure(
        go.Scatter(
            x=[rate for rate, _ in kept],
            y=[max(loss, 1e-30) for _, loss in kept],
            mode="lines+markers",
            name="mean loss",
            hovertemplate="lr %{x:.3g}: loss %{y:.4g}<extra></extra>",
        )
    )
    diverged = [rate for rate, loss in zip(rates, losses) if loss is None]
    if diverged:
        floor = min((loss for _, loss in kept), default=1.0)
        figure.add_trace(
            go.Scatter(
                x=diverged,
                y=[max(floor, 1e-30)] * len(diverged),
                mode="markers",
                name="diverged",
                marker={"symbol": "x", "color": "#d62728"},
            )
        )
    marks = (
        (found.get("divergence_edge"), "divergence edge", "#d62728", "dash"),
        (found.get("two_over_lambda_max"), "2/λ_max", "#7f7f7f", "dot"),
        (found.get("suggested"), "suggested", "#2ca02c", "solid"),
    )
    for row, (rate, label, colour, dash) in enumerate(mark for mark in marks if mark[0]):
        figure.add_vline(x=rate, line={"color": colour, "dash": dash, "width": 1.5})
        figure.add_annotation(  # on a log axis an annotation's x is log10 of the value (shapes take the value)
            x=math.log10(rate),
            y=1.0 - 0.09 * row,
            yref="paper",
            text=f"{label} {rate:.3g}",
            showarrow=False,
            xanchor="left",
            font={"color": colour, "size": 11},
        )
    figure.update_layout(
        title=f"Learning-rate range test ({found['steps']:,} steps each)",
        xaxis={"type": "log", "title": "learning rate"},
        yaxis={"type": "log", "title": "mean loss after the test"},
        height=340,
        margin={"l": 50, "r": 20, "t": 60, "b": 40},
        showlegend=False,
    )
    return figure


def find(run: LiveRun) -> None:
    """Run the range test on the run's current settings and data, in a task engine."""
    dataset = run.client.datasets.get(run.config.data_hash) if run.config.data_hash else None
    payload = {"config": run.config.to_dict(), "dataset": dataset.to_payload() if dataset else None}
    try:
        st.session_state[RESULT_KEY] = {**run.client.task("lr_find", payload), "config": run.config}
    except (EngineError, ConfigError) as error:
        text = engine_error_message(error) if isinstance(error, EngineError) else str(error)
        run.notices.append(f"The learning-rate range test did not run: {text}")


def use_suggestion(run: LiveRun, rate: float) -> None:
    """Apply the suggested learning rate to the live run, as a mid-run change (with its marker)."""
    try:
        run.change(learning_rate=rate)
    except (EngineError, ConfigError) as error:
        run.notices.append(f"Could not use learning rate {rate:.4g}: {error}")
        return
    st.session_state[sidebar_form.widget_key("learning_rate")] = rate


def panel(run: LiveRun) -> None:
    """The Find learning rate button and, once it has run, its chart, suggestion and Use this learning rate."""
    st.button(
        FIND_LABEL,
        key="lr_find_button",
        on_click=lambda: find(run),
        help="train the current settings at 64 learning rates from 1e-5 to 10 and suggest one",
    )
    found = st.session_state.get(RESULT_KEY)
    if not found:
        return
    st.plotly_chart(range_figure(found), key="lr_find_chart")
    st.caption(RULE.format(steps=found["steps"]))
    if found["suggested"] is None:
        st.warning("Every learning rate from 1e-5 up diverged on these settings: no suggestion.")
        return
    stale = (
        " (found for earlier settings)"
        if found["config"] != run.config.replace(learning_rate=found["config"].learning_rate)
        else ""
    )
    st.markdown(
        f"Suggested learning rate **{found['suggested']:.4g}**{stale}; largest stable {found['max_stable']:.4g}; "
        f"2/λ_max = {found['two_over_lambda_max']:.4g}."
    )
    rounded = float(f"{found['suggested']:.3g}")  # 0.464, not 0.46415888336127725: the run's labels stay readable
    st.button(USE_LABEL, key="lr_find_use", on_click=lambda: use_suggestion(run, rounded))
