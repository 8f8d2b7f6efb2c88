"""The live page's session plumbing: the per-session run, its buttons, notices, ticking and exports."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from core.engine.errors import EngineError
from core.regression.config import ConfigError, RegressionConfig
from core.regression.fields import DEFAULT_BACKEND
from ui.engine_handle import engine_client, engine_error_message
from ui.live import closed_runs, pacing, sidebar_form
from ui.live.run_state import LiveRun

BROWSER_COOKIE = "_streamlit_xsrf"  # set once per browser by Streamlit's server, kept across reloads
COMPARE_PAGE = "pages/3_Compare_Runs.py"


def _release_all(runs: list[LiveRun]) -> None:
    for run in runs:
        run.release()


@st.cache_resource(scope="session", on_release=_release_all, show_spinner=False)
def _session_runs() -> list[LiveRun]:
    """Runs opened by this browser session; Streamlit releases them (save, then close) when it disconnects."""
    return []


def current_run() -> LiveRun:
    """This browser session's run (kept in session_state, so every session and every AppTest has its own)."""
    run = st.session_state.get("live_run")
    if run is None:
        browser = closed_runs.browser_key(st.context.cookies.get(BROWSER_COOKIE))
        run = st.session_state["live_run"] = LiveRun(engine_client(), browser=browser)
        run.previous_run = closed_runs.take(browser, wait=closed_runs.RELOAD_WAIT_S)
    runs = _session_runs()
    if not any(known is run for known in runs):  # a new session, or one whose connection dropped and came back
        runs.append(run)
        closed_runs.opened(run.browser)
    return run


def restart_with(config: RegressionConfig) -> str:
    """Give this session's live run (if any) a new config: save the old run, start over; returns its backend.

    If the old run can't be saved it is kept, and the Live page asks whether to keep it or discard it.
    """
    run = st.session_state.get("live_run")
    if run is None:
        return DEFAULT_BACKEND
    run.url_warnings = []
    try:
        if run.reset(config):
            _forget_widgets(config)
    except EngineError as error:
        run.notices.append(engine_error_message(error))
    return run.backend


def show_notices(run: LiveRun) -> None:
    """A failed save (until a save succeeds), a Reset waiting on it, URL warnings, then one-off notices."""
    if run.save_error:
        st.error(f"{run.save_error} It stays here: press **Save run** to try again.", icon="🛑")
    if run.pending_reset is not None:
        _pending_reset_choice(run)
    for warning in run.url_warnings:
        st.warning(warning, icon="⚠️")
    _previous_run(run)
    while run.notices:
        st.warning(run.notices.pop(0), icon="⚠️")


def _previous_run(run: LiveRun) -> None:
    """After a reload: where this browser's run went (shown until the new run takes a step)."""
    previous = run.previous_run
    if previous is None:
        return
    if run.has_steps():
        run.previous_run = None
        return
    with st.container(border=True):
        st.info(
            f"The run this page showed before it was reloaded ({previous.steps:,} steps) was saved as run "
            f"#{previous.run_id}. This is a fresh run.",
            icon="💾",
        )
        st.page_link(
            COMPARE_PAGE,
            label=f"Open run #{previous.run_id} in Compare Runs",
            icon="🔀",
            query_params={"run": str(previous.run_id)},
        )


def _pending_reset_choice(run: LiveRun) -> None:
    """Reset (or a run opened from Compare) could not save this run first: keep it, or discard it."""
    steps = run.view["steps_done"] if run.view else 0
    st.warning(
        f"Could not save this run ({steps:,} step{'' if steps == 1 else 's'}) before starting over, so it was not "
        "discarded.",
        icon="⚠️",
    )
    keep, discard, _ = st.columns([1, 1, 3])
    keep.button("Keep this run", key="keep_unsaved_run", on_click=_guarded(LiveRun.keep_run))
    discard.button("Discard it", key="discard_unsaved_run", on_click=_guarded(_discard))


def _discard(run: LiveRun) -> None:
    pending = run.pending_reset
    run.discard_and_reset()
    if pending is not None:
        _forget_widgets(pending)


def _forget_widgets(config: RegressionConfig) -> None:
    """Drop the sidebar's widget values, so the next run seeds them from the run's new config."""
    for name in config.to_dict():
        st.session_state.pop(sidebar_form.widget_key(name), None)


def _reset(run: LiveRun) -> None:
    had_steps = run.has_steps()
    if run.reset() and had_steps and run.last_saved_id is not None:
        st.toast(f"Run #{run.last_saved_id} saved; starting over.", icon="💾")


def _saved_toast(run: LiveRun, saved: bool) -> None:
    if saved and run.run_id is not None:
        st.toast(f"Saved as run #{run.run_id}: open the Compare page to see it.", icon="💾")


def _guarded(action: Any) -> Any:
    def call() -> None:
        run = current_run()
        try:
            action(run)
        except EngineError as error:
            run.playing = False
            run.notices.append(engine_error_message(error))

    return call


def controls(run: LiveRun) -> None:
    """Play, Pause, Step, Step epoch, Reset and Run to end, plus the run's name and a save button."""
    finished = bool(run.view) and run.view["status"] != "running"
    stepping = run.playing or finished
    buttons = (  # label, action, disabled, help
        ("Play", lambda r: r.play(), stepping, "train live at the chosen speed"),
        ("Pause", lambda r: _saved_toast(r, r.pause()), not run.playing, "stop here and save the run"),
        ("Step", lambda r: r.step_once(), stepping, "one update step"),
        ("Step epoch", lambda r: r.step_epoch(), stepping, "to the end of the current epoch"),
        ("Reset", _reset, False, "save this run, then start over from the sidebar's settings"),
        ("Run to end", lambda r: r.play(to_end=True), finished, "compute the rest at full speed"),
    )
    for column, (label, action, disabled, help_text) in zip(st.columns(len(buttons)), buttons):
        kind = "primary" if label == "Play" else "secondary"
        column.button(
            label, on_click=_guarded(action), disabled=disabled, type=kind, use_container_width=True, help=help_text
        )


def refresh(run: LiveRun, since: tuple[str, int] | None = None) -> dict[str, Any] | None:
    """Advance (if playing) and fetch the view (only rows after since, if given); on an engine failure show why
    and return None."""
    try:
        view = run.tick(since)
    except (EngineError, ConfigError) as error:
        run.playing = False
        st.error(engine_error_message(error) if isinstance(error, EngineError) else str(error))
        return None
    return view


def full_run_view(run: LiveRun) -> dict[str, Any] | None:
    """The view for a full script run; the fragment's first frame in this run reuses it."""
    view = refresh(run)
    run.fresh_frame = view is not None
    return view


def first_frame_of_full_run(run: LiveRun) -> bool:
    """True once per full run: the fragment then reuses the view the full run just fetched."""
    fresh, run.fresh_frame = run.fresh_frame, False
    return fresh and run.view is not None


def note_playing(run: LiveRun) -> None:
    """A full run: the fragment's ticks (clocked by the live feed) run while something plays."""
    run.ticking = run.playing
    if not run.playing:
        pacing.stopped(id(run))


def next_tick_s(run: LiveRun) -> float:
    """When this session's next tick is due: the interval the server's load allows (ui.live.pacing)."""
    return pacing.wanted_interval()


def tick_begins(run: LiveRun) -> None:
    """Start timing this fragment run (the whole of it: engine call, metrics and chart data)."""
    run.tick_started, run.tick_started_cpu = time.perf_counter(), time.thread_time()


def stop_ticking_when_finished(run: LiveRun) -> None:
    """End of a tick: record its time for pacing; rerun the page once if the run ended (the buttons update)."""
    if run.tick_started:
        run.tick_seconds = time.perf_counter() - run.tick_started
        pacing.record_tick(id(run), time.thread_time() - run.tick_started_cpu)
        run.tick_started = 0.0
    if run.ticking and not run.playing:
        run.ticking = False
        pacing.stopped(id(run))
        st.rerun(scope="app")


def exports(run: LiveRun) -> None:
    """Name and save the run; download its trace and a standalone script."""
    st.divider()
    name_column, save_column, csv_column, script_column = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
    run.name = name_column.text_input("Run name", value=run.name, max_chars=200, placeholder="auto-named when saved")
    save_column.button(
        "Save run",
        on_click=_guarded(lambda r: _saved_toast(r, r.autosave())),
        disabled=not run.has_steps(),
        use_container_width=True,
        help="runs are also saved on pause, end and reset",
    )
    try:
        run.ensure_open()
    except EngineError as error:
        st.error(engine_error_message(error))
    handle = run.handle
    csv_column.download_button(
        "Download CSV",
        data=lambda: _safe(lambda: run.client.trace_csv(handle)),
        file_name="tapestream_trace.csv",
        mime="text/csv",
        on_click="ignore",
        use_container_width=True,
        disabled=handle is None,
    )
    script_column.download_button(
        "Export as Python script",
        data=lambda: _safe(lambda: run.client.export_script(handle)),
        file_name="tapestream_run.py",
        mime="text/x-python",
        on_click="ignore",
        use_container_width=True,
        disabled=handle is None,
    )


def _safe(produce: Any) -> str:
    try:
        return produce()
    except EngineError as error:
        return f"# {engine_error_message(error)}\n"
