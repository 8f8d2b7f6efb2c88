"""Compare's step inspector for a stored run: a Timeline over its steps, its cursor, and the step replayed exactly."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from core.engine.errors import EngineError
from core.regression.config import ConfigError
from ui.compare import store_reads
from ui.engine_handle import engine_client, engine_error_message
from ui.live import step_inspector
from ui.live.timeline_marks import CURSOR_COLOR

RUN_KEY = "stored_inspect_run"
TIMELINE_KEY = "stored_timeline"
STEP_BOX_KEY = "stored_inspect_step"
TIMEOUT_S = 120.0


def _set(step: int) -> None:
    st.session_state[TIMELINE_KEY] = st.session_state[STEP_BOX_KEY] = step


def _from_slider() -> None:
    _set(st.session_state[TIMELINE_KEY])


def _from_box() -> None:
    _set(st.session_state[STEP_BOX_KEY])


def _nudge(by: int, steps: int) -> None:
    _set(min(max(st.session_state.get(TIMELINE_KEY, steps) + by, 1), steps))


def navigation(steps: int) -> None:
    """The step box and ◀ ▶ buttons."""
    back, box, forward = st.columns([1, 3, 1], vertical_alignment="bottom")
    back.button("◀", key="stored_inspect_back", on_click=_nudge, args=(-1, steps), disabled=steps <= 1)
    box.number_input("Step", min_value=1, max_value=steps, step=1, key=STEP_BOX_KEY, on_change=_from_box)
    forward.button("▶", key="stored_inspect_forward", on_click=_nudge, args=(1, steps), disabled=steps <= 1)


def cursor_figures(points: Any, record: dict[str, Any]) -> tuple[go.Figure, go.Figure]:
    """w and b over the steps with a cursor at the step; the (w, b) path with the step's point and −∇L arrow."""
    step = record["step"]
    trace = go.Figure()
    trace.add_scatter(x=points["step"], y=points["w"], name="Weight", mode="lines")
    trace.add_scatter(x=points["step"], y=points["b"], name="Bias", mode="lines")
    trace.add_vline(x=step, line_color=CURSOR_COLOR, line_width=2)
    trace.update_layout(title=f"w and b · step {step:,}", height=320, uirevision="stored", margin={"t": 40})
    path = go.Figure()
    path.add_scatter(x=points["w"], y=points["b"], name="path", mode="lines")
    path.add_scatter(
        x=[record["w_after"]],
        y=[record["b_after"]],
        name="at step",
        mode="markers",
        marker={"size": 12, "color": "#d62728"},
    )
    scale = 0.25 / max(1e-12, (record["grad_w"] ** 2 + record["grad_b"] ** 2) ** 0.5)
    path.add_annotation(
        x=record["w_before"] - scale * record["grad_w"],
        y=record["b_before"] - scale * record["grad_b"],
        ax=record["w_before"],
        ay=record["b_before"],
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        text="−∇L",
        showarrow=True,
        arrowhead=3,
        arrowwidth=2.5,
        arrowcolor=CURSOR_COLOR,
    )
    path.update_layout(
        title="(w, b) path", height=320, uirevision="stored", margin={"t": 40}, xaxis_title="w", yaxis_title="b"
    )
    return trace, path


def _area(run: dict[str, Any]) -> None:
    steps = int(run["steps"])
    step = st.session_state.get(TIMELINE_KEY)
    step = steps if not isinstance(step, int) else min(max(step, 1), steps)
    _set(step)
    if steps > 1:  # a slider needs two ends
        st.slider(
            "Timeline",
            min_value=1,
            max_value=steps,
            key=TIMELINE_KEY,
            on_change=_from_slider,
            help="move through the stored run: the cursor, the point and the step inspector follow",
        )
    payload = {"run_id": run["id"], "step": step, "db_path": store_reads.db_path()}
    try:
        record = engine_client().task("inspect_run", payload, timeout=TIMEOUT_S)
    except ConfigError as error:
        st.warning(f"Step {step:,} of run #{run['id']} cannot be inspected: {error}")
        return
    except EngineError as error:
        st.error(engine_error_message(error))
        return
    points = (store_reads.chart_points([run]) or {}).get(run["id"])
    if points is not None:
        left, right = st.columns(2)
        trace, path = cursor_figures(points, record)
        left.plotly_chart(trace, key="stored_trace_chart")
        right.plotly_chart(path, key="stored_path_chart")
    if not record.get("matches_store"):
        st.caption("This replay differs from the stored points in the last bits (the run was trained otherwise).")
    step_inspector.show(record, lambda: navigation(steps))


def show(runs: list[dict[str, Any]]) -> None:
    """Pick one of the picked runs; its Timeline and step inspector, in a fragment (a move reruns only them)."""
    st.subheader("Step inspector")
    by_id = {run["id"]: run for run in runs if int(run.get("steps") or 0) > 0}
    if not by_id:
        st.caption("The picked runs have no steps to inspect.")
        return
    if st.session_state.get(RUN_KEY) not in by_id:
        st.session_state.pop(RUN_KEY, None)
    chosen = st.selectbox("Run to inspect", list(by_id), key=RUN_KEY, format_func=lambda i: f"#{i} {by_id[i]['name']}")
    if st.session_state.get("stored_inspect_last") != chosen:
        st.session_state["stored_inspect_last"] = chosen
        st.session_state.pop(TIMELINE_KEY, None)
    st.fragment(_area)(by_id[chosen])
