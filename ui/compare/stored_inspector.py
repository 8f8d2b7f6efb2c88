"""Compare's step inspector for a stored run: a Timeline over its steps moving four charts, the step replayed exactly.

The run's four charts (w and b, and the loss, over the steps; its data with the fit; the (w, b) path) are live
charts drawn by full runs only (ui/compare/stored_figures.py). A Timeline move reruns only the fragment inside the
step_inspector panel, which sends the charts a small delta (the cursors, the fit line and the step's sample, the
point at the step and the −∇L arrow: never the series again) and redraws the inspector's text. "Play back from
here" walks the Timeline through the stored trace at a chosen speed: playback of the record, not retraining.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from core.engine.errors import EngineError
from core.regression.config import ConfigError
from ui.compare import store_reads
from ui.compare.many_runs_figures import LEGEND_RUNS
from ui.compare.stored_figures import (
    DATA_KEY,
    LOSS_KEY,
    PATH_KEY,
    TRACE_KEY,
    chart_stream,
    data_figure,
    loss_figure,
    path_figure,
    stored_deltas,
    trace_figure,
)
from ui.engine_handle import engine_client, engine_error_message
from ui.live import step_inspector
from ui.live.chart_component import live_chart
from ui.live.timeline_feed import timeline_feed
from ui.live.timeline_marks import feed_payload

RUN_KEY = "stored_inspect_run"
TIMELINE_KEY = "stored_timeline"
STEP_BOX_KEY = "stored_inspect_step"
PLAYBACK_KEY = "stored_playback"  # (steps per second, started at, from step) while playing back, else None
SPEED_KEY = "stored_playback_speed"
TIMER_KEY = "stored_playback_timer"  # whether the fragment was started with the playback timer
SEQUENCE_KEY = "stored_timeline_sequence"
FEED_KEY = "stored_timeline_feed"
SAMPLES_KEY = "stored_inspect_samples"  # (the run's key, its data chart's samples) for the run drawn last
PLAYBACK_SPEEDS = (1, 5, 20, 100, 1000, 10_000)
PLAYBACK_TICK_S = 0.25
TIMEOUT_S = 120.0
EXPANDER_KEY = "stored_inspect_open"  # above LEGEND_RUNS picked runs the inspector waits in this expander


def _set(step: int) -> None:
    st.session_state[TIMELINE_KEY] = st.session_state[STEP_BOX_KEY] = step
    st.session_state[PLAYBACK_KEY] = None


def _from_slider() -> None:
    _set(st.session_state[TIMELINE_KEY])


def _from_box() -> None:
    _set(st.session_state[STEP_BOX_KEY])


def _nudge(by: int, steps: int) -> None:
    _set(min(max(st.session_state.get(TIMELINE_KEY, steps) + by, 1), steps))


def _start_playback() -> None:
    speed = st.session_state.get(SPEED_KEY, PLAYBACK_SPEEDS[2])
    st.session_state[PLAYBACK_KEY] = (speed, time.monotonic(), st.session_state.get(TIMELINE_KEY, 1))


def _stop_playback(steps: int) -> None:
    step = playback_step(steps)
    if step is not None:
        _set(step)


def playback_step(steps: int) -> int | None:
    """Where playback stands now (None when not playing back); at the last step it ends there."""
    playback = st.session_state.get(PLAYBACK_KEY)
    if not playback:
        return None
    speed, started, start = playback
    step = min(steps, start + int((time.monotonic() - started) * speed))
    if step >= steps:
        _set(steps)
    return step


def chosen_step(steps: int) -> int:
    """The Timeline's step within 1 to the run's steps (the last step until the learner moves it)."""
    step = st.session_state.get(TIMELINE_KEY)
    step = steps if not isinstance(step, int) else min(max(step, 1), steps)
    st.session_state[TIMELINE_KEY] = st.session_state[STEP_BOX_KEY] = step
    return step


def navigation(steps: int) -> None:
    """The step box and ◀ ▶ buttons, in one row."""
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.button("◀", key="stored_inspect_back", on_click=_nudge, args=(-1, steps), disabled=steps <= 1)
        st.number_input("Step", min_value=1, max_value=steps, step=1, key=STEP_BOX_KEY, on_change=_from_box, width=220)
        st.button("▶", key="stored_inspect_forward", on_click=_nudge, args=(1, steps), disabled=steps <= 1)


def send_marks(run: dict[str, Any], record: dict[str, Any], points: Any, samples: dict[str, Any] | None) -> int:
    """Move the charts to the record's step with a small delta; the bytes sent."""
    sequence = st.session_state.get(SEQUENCE_KEY, 0) + 1
    st.session_state[SEQUENCE_KEY] = sequence
    return timeline_feed(
        feed_payload(chart_stream(run), sequence, stored_deltas(record, points, samples)), key=FEED_KEY
    )


def _run_key(run: dict[str, Any]) -> tuple:
    return run["id"], run.get("created_at"), run["steps"], store_reads.db_path()


def inspect(run: dict[str, Any], step: int, with_samples: bool = False, place: Any = st) -> dict[str, Any] | None:
    """The engine's record of the run's step (None after showing why there is none, in place)."""
    payload = {"run_id": run["id"], "step": step, "db_path": store_reads.db_path(), "samples": with_samples}
    payload["seen"] = [run["created_at"], run["steps"]] if "created_at" in run else None  # spares the store's read
    try:
        return engine_client().task("inspect_run", payload, timeout=TIMEOUT_S)
    except ConfigError as error:
        place.warning(f"Step {step:,} of run #{run['id']} cannot be inspected: {error}")
    except EngineError as error:
        place.error(engine_error_message(error))
    return None


def run_samples(run: dict[str, Any], step: int, place: Any = st) -> dict[str, Any] | None:
    """The data chart's samples of the run, asked of the engine once per run (and kept): the first ask trains the
    run again there and replays a step, so the Timeline's first move finds the engine warm."""
    kept = st.session_state.get(SAMPLES_KEY)
    if kept is not None and kept[0] == _run_key(run):
        return kept[1]
    record = inspect(run, step, with_samples=True, place=place)
    samples = record["samples"] if record is not None else None
    if samples is not None:
        st.session_state[SAMPLES_KEY] = (_run_key(run), samples)
    return samples


def _restart_if_playback_changed() -> None:
    """Playback started or ended: the fragment's timer starts or stops with a full run."""
    if bool(st.session_state.get(PLAYBACK_KEY)) != st.session_state.get(TIMER_KEY, False):
        st.rerun(scope="app")


def _playback_controls(run: dict[str, Any]) -> None:
    """Play back from here (or Stop playback) and its speed, in a fragment of their own."""
    steps = int(run["steps"])
    if steps <= 1:
        return
    with st.container(horizontal=True, vertical_alignment="bottom"):
        if not st.session_state.get(PLAYBACK_KEY):
            st.button(
                "Play back from here", key="stored_play", on_click=_start_playback, help="replay the stored trace"
            )
        else:
            st.button("Stop playback", key="stored_stop", on_click=_stop_playback, args=(steps,))
        st.selectbox("Playback speed (steps/s)", PLAYBACK_SPEEDS, index=2, key=SPEED_KEY, width=200)
    _restart_if_playback_changed()


def _area(run: dict[str, Any], points: Any, samples: dict[str, Any] | None) -> None:
    """The Timeline, the charts' delta and the inspector's body: all a move reruns."""
    steps = int(run["steps"])
    playing_back = playback_step(steps)
    still_playing = bool(st.session_state.get(PLAYBACK_KEY))
    step = playing_back if still_playing else chosen_step(steps)
    if still_playing:
        st.slider("Timeline", min_value=1, max_value=steps, value=step, disabled=True)
    elif steps > 1:  # a slider needs two ends
        st.slider("Timeline", min_value=1, max_value=steps, key=TIMELINE_KEY, on_change=_from_slider)
    record = inspect(run, step)
    if record is None:
        return
    if points is not None:
        send_marks(run, record, points, samples)
    if not record.get("matches_store"):
        st.caption("This replay differs from the stored points in the last bits (the run was trained otherwise).")
    step_inspector.body(record, (lambda: st.caption("Playing back…")) if still_playing else lambda: navigation(steps))
    _restart_if_playback_changed()


def show(runs: list[dict[str, Any]]) -> None:
    """Pick one of the picked runs: its playback controls, its four charts, and the step_inspector panel holding
    the Timeline and the step's body (a fragment: a move reruns only it; playback ticks it)."""
    st.subheader("Step inspector")
    by_id = {run["id"]: run for run in runs if int(run.get("steps") or 0) > 0}
    if not by_id:
        st.caption("The picked runs have no steps to inspect.")
        return
    if len(runs) <= LEGEND_RUNS:
        _inspector(by_id)
        return
    # Many runs: the inspector (four charts and a replay in the engine) is drawn only while its expander is open,
    # so a recolour or filter of the overlays above does not redraw it as well.
    section = st.expander(f"Inspect one of the {len(by_id)} runs step by step", key=EXPANDER_KEY, on_change="rerun")
    if section.open:
        with section:
            _inspector(by_id)


def _inspector(by_id: dict[int, dict[str, Any]]) -> None:
    """The run picker, its playback controls, its four charts and the step_inspector panel."""
    if st.session_state.get(RUN_KEY) not in by_id:
        st.session_state.pop(RUN_KEY, None)
    chosen = st.selectbox("Run to inspect", list(by_id), key=RUN_KEY, format_func=lambda i: f"#{i} {by_id[i]['name']}")
    if st.session_state.get("stored_inspect_last") != chosen:
        st.session_state["stored_inspect_last"] = chosen
        st.session_state.pop(TIMELINE_KEY, None)
        st.session_state[PLAYBACK_KEY] = None
    run = by_id[chosen]
    playing_back = bool(st.session_state.get(PLAYBACK_KEY))
    st.session_state[TIMER_KEY] = playing_back
    st.fragment(_playback_controls)(run)
    # Always there, so a message that comes and goes leaves the charts below in their place (else they would be
    # mounted afresh: a full Plotly draw each).
    notes = st.container(key="stored_inspect_notes")
    with notes:
        points = (store_reads.chart_points([run]) or {}).get(run["id"])
    samples = None
    if points is not None:
        step = chosen_step(int(run["steps"]))
        samples = run_samples(run, step, notes)
        top_left, top_right = st.columns(2)
        with top_left:
            live_chart(trace_figure(run, points, step), key=TRACE_KEY)
        with top_right:
            live_chart(loss_figure(run, points, step), key=LOSS_KEY)
        bottom_left, bottom_right = st.columns(2)
        with bottom_left:
            if samples is not None:
                live_chart(data_figure(run, samples, points, step), key=DATA_KEY)
        with bottom_right:
            live_chart(path_figure(run, points, step), key=PATH_KEY)
    with step_inspector.panel():
        st.fragment(_area, run_every=PLAYBACK_TICK_S if playing_back else None)(run, points, samples)
