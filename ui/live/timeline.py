"""The Timeline for a paused or finished live run: one slider that moves the charts' cursor and the step inspector.

A move reruns only this fragment. It asks the engine for the step's record (core.regression.step_replay) and sends
the charts a small delta through its own feed element (ui/live/timeline_feed.py): cursor lines, fit line, sample,
point and gradient arrow (ui/live/timeline_marks.py), never a whole series. "Play back from here" walks the
Timeline through the recorded trace at the chosen speed: playback of the record, not retraining.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from core.engine.errors import EngineError
from core.regression.config import ConfigError
from ui.live import feed_state, step_inspector, timeline_marks
from ui.live.feed_stream import FeedStream
from ui.live.panel import STREAM_KEY
from ui.live.run_state import LiveRun
from ui.live.timeline_feed import timeline_feed

TIMELINE_KEY = "live_timeline"
STEP_BOX_KEY = "inspect_step"
SEQUENCE_KEY = "timeline_sequence"
PLAYBACK_KEY = "timeline_playback"  # (steps per second, started at, from step) while playing back, else None
SPEED_KEY = "timeline_playback_speed"
FEED_KEY = "timeline_feed"
DONE_KEY = "timeline_steps_done"  # the steps done when the Timeline was last drawn
TIMER_KEY = "timeline_timer"  # whether the fragment was started with the playback timer
PLAYBACK_SPEEDS = (1, 5, 20, 100, 1000, 10_000)
PLAYBACK_TICK_S = 0.25


def available(run: LiveRun, view: dict[str, Any] | None) -> bool:
    """A Timeline needs a run that is not playing and has made steps (paused, finished or being stepped)."""
    return view is not None and not run.playing and view["steps_done"] > 0


def chosen_step(done: int) -> int:
    """The Timeline's step, within 1 to the steps done: it follows the last step until the learner moves it away."""
    step, last_done = st.session_state.get(TIMELINE_KEY), st.session_state.get(DONE_KEY)
    step = done if not isinstance(step, int) or step == last_done else min(max(step, 1), done)
    st.session_state[TIMELINE_KEY] = st.session_state[STEP_BOX_KEY] = step
    st.session_state[DONE_KEY] = done
    return step


def _set_step(step: int) -> None:
    st.session_state[TIMELINE_KEY] = st.session_state[STEP_BOX_KEY] = step
    st.session_state[PLAYBACK_KEY] = None


def _from_slider() -> None:
    _set_step(st.session_state[TIMELINE_KEY])


def _from_box() -> None:
    _set_step(st.session_state[STEP_BOX_KEY])


def _nudge(by: int, done: int) -> None:
    _set_step(min(max(st.session_state.get(TIMELINE_KEY, done) + by, 1), done))


def _start_playback() -> None:
    speed = st.session_state.get(SPEED_KEY, PLAYBACK_SPEEDS[2])
    st.session_state[PLAYBACK_KEY] = (speed, time.monotonic(), st.session_state.get(TIMELINE_KEY, 1))


def _stop_playback(done: int) -> None:
    """Stop where playback stands: the Timeline takes that step."""
    step = playback_step(done)
    if step is not None:
        _set_step(step)


def playback_step(done: int) -> int | None:
    """Where playback stands now (None when not playing back). At the last step it ends, leaving the Timeline there.

    While it plays, the Timeline and the Step box are drawn without their keys (a disabled slider shows the step):
    a keyed widget would send the browser's older value back on the next tick, which reads as a move and stops it.
    """
    playback = st.session_state.get(PLAYBACK_KEY)
    if not playback:
        return None
    speed, started, start = playback
    step = min(done, start + int((time.monotonic() - started) * speed))
    if step >= done:
        _set_step(done)
    return step


def navigation(done: int) -> None:
    """The step box and ◀ ▶ buttons of the step inspector, in one row."""
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.button("◀", key="inspect_back", on_click=_nudge, args=(-1, done), disabled=done <= 1)
        st.number_input("Step", min_value=1, max_value=done, step=1, key=STEP_BOX_KEY, on_change=_from_box, width=220)
        st.button("▶", key="inspect_forward", on_click=_nudge, args=(1, done), disabled=done <= 1)


def send_marks(run: LiveRun, view: dict[str, Any], record: dict[str, Any]) -> int:
    """Move the charts to the record's step with a small delta; returns the bytes sent (0 if no charts yet)."""
    stream = feed_state.current().get(STREAM_KEY)
    if not isinstance(stream, FeedStream):
        return 0
    sequence = st.session_state.get(SEQUENCE_KEY, 0) + 1
    st.session_state[SEQUENCE_KEY] = sequence
    deltas = timeline_marks.timeline_deltas(view, record, run.samples or {"x": [], "y": []}, run.surface)
    payload = timeline_marks.feed_payload(stream.chart_stream, sequence, deltas)
    return timeline_feed(payload, key=FEED_KEY)


def _playback_controls(run: LiveRun) -> None:
    """Play back from here (or Stop playback) and its speed: a fragment of their own, so a move never resends them."""
    view = run.view
    if not available(run, view):
        return
    with st.container(horizontal=True, vertical_alignment="bottom"):
        if not st.session_state.get(PLAYBACK_KEY):
            st.button("Play back from here", on_click=_start_playback, help="replay the recorded trace (no training)")
        else:
            st.button("Stop playback", on_click=_stop_playback, args=(view["steps_done"],))
        st.selectbox("Playback speed (steps/s)", PLAYBACK_SPEEDS, index=2, key=SPEED_KEY, width=200)
    _restart_if_playback_changed()


def _restart_if_playback_changed() -> None:
    """Playback started or ended: the Timeline's fragment timer starts or stops with a full run."""
    if bool(st.session_state.get(PLAYBACK_KEY)) != st.session_state.get(TIMER_KEY, False):
        st.rerun(scope="app")


def _area(run: LiveRun) -> None:
    """The Timeline, the charts' delta and the step inspector's body: all a move reruns (inside the panel)."""
    view = run.view
    if not available(run, view):
        return
    done = view["steps_done"]
    playing_back = playback_step(done)
    still_playing = bool(st.session_state.get(PLAYBACK_KEY))
    step = playing_back if still_playing else chosen_step(done)
    if still_playing:
        st.slider("Timeline", min_value=1, max_value=done, value=step, disabled=True)
    elif done > 1:  # a slider needs two ends
        st.slider("Timeline", min_value=1, max_value=done, key=TIMELINE_KEY, on_change=_from_slider)
    else:
        st.caption("Timeline: one step so far.")
    try:
        record = run.client.inspect(run.handle, step)
    except (EngineError, ConfigError) as error:
        st.warning(f"Step {step:,} could not be inspected: {error}")
        return
    send_marks(run, view, record)
    step_inspector.body(record, (lambda: st.caption("Playing back…")) if still_playing else lambda: navigation(done))
    _restart_if_playback_changed()


def show(run: LiveRun) -> None:
    """Playback controls, then the step_inspector panel holding the Timeline and the step's body: each in its own
    fragment (a move reruns only the second, and never redraws the panel around it; playback ticks it)."""
    playing_back = bool(st.session_state.get(PLAYBACK_KEY))
    st.session_state[TIMER_KEY] = playing_back
    st.fragment(_playback_controls)(run)
    with step_inspector.panel():
        st.fragment(_area, run_every=PLAYBACK_TICK_S if playing_back else None)(run)
