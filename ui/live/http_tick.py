"""A live tick served over HTTP (ui/live/tick_route.py): advance the run, and answer with the feed's news as JSON.

It does what the ticking fragment does on a plain tick (ui/live/panel.feed), without a script run. Anything
else it leaves to the fragment: the JSON then says ``fallback`` (whole figures needed, an engine error to show,
the run not playing), and the browser asks the fragment for that tick instead. A tick that ended the run, or
diverged a lane, goes out and says ``rerun``: the browser then asks the fragment once, which redraws the page.
A full script run of the session holds the run's lock; a tick that finds it taken answers ``busy`` with when
to ask again, rather than wait.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from core.engine.errors import EngineError
from core.regression.config import ConfigError
from ui.live import feed_state, lanes_table, pacing, panel, session
from ui.live.run_state import LiveRun

BUSY_RETRY_S = 0.05  # a full run holds the session: ask again this soon


def server(run: LiveRun, state: dict[str, Any]) -> Callable[[], str]:
    """What serves this session's HTTP ticks: its run, and its tick state (ui.live.feed_state)."""
    return lambda: json.dumps(serve(run, state), separators=(",", ":"))


def serve(run: LiveRun, state: dict[str, Any]) -> dict[str, Any]:
    """One tick of run, as the feed's payload (or why the fragment should serve it)."""
    if not run.lock.acquire(blocking=False):
        return {"busy": True, "tick": run.frame, "next": BUSY_RETRY_S}
    try:
        with feed_state.serving(state):
            return _tick(run)
    finally:
        run.lock.release()


def _tick(run: LiveRun) -> dict[str, Any]:
    if not run.playing:
        return {"fallback": "not playing"}
    since = panel.feed_since(run)
    if since is None:
        return {"fallback": "the charts need a full draw"}
    started = time.thread_time()
    try:
        view = run.tick(since)
    except (EngineError, ConfigError):
        return {"fallback": "the engine failed"}  # the fragment's tick shows why
    delta = panel.delta_payload(run, view, session.next_tick_s(run) if run.playing else None)
    if delta is None:
        return {"fallback": "the charts need a full draw"}
    payload, fed = delta
    fed()
    if not run.playing or lanes_table.needs_redraw(view):
        payload["rerun"] = True
    pacing.record_tick(id(run), time.thread_time() - started)
    return payload
