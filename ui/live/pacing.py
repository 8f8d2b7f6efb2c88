"""Paces the live ticks of every session on this server by load, so an overloaded server slows down evenly.

Each tick reports how long it took. The server-wide load is the playing sessions times the average tick time:
one Streamlit process runs one script at a time per core it can use (the GIL), so when the sessions' ticks
would need more than a share of it, every session's interval grows together, and no tick is asked for before the
last one can finish. Without that, fragment reruns arrive faster than they finish, each one interrupts the run
before it, and the whole class sees frozen charts.
"""

from __future__ import annotations

import threading
import time

BASE_INTERVAL_S = 0.08  # a tick every 80 ms when the server has room: 10+ chart updates per second
INTERVALS_S = (0.08, 0.12, 0.16, 0.25, 0.35, 0.5, 0.75, 1.0)  # the steps an interval moves by
BUSY_SHARE = 0.8  # the share of the process's time the ticks may take before the intervals grow
OWN_TICK_FACTOR = 2.0  # a session's interval is at least twice its own last tick time
PLAYING_FOR_S = 2.0  # a session counts as playing if it ticked this recently
_LOCK = threading.Lock()
_LAST_TICK: dict[int, float] = {}  # session's run id → when it last ticked
_AVERAGE_TICK_S = [0.0]


def record_tick(run_id: int, seconds: float, now: float | None = None) -> None:
    """One tick of one session's run cost this much CPU time (of the script thread that ran it)."""
    now = time.monotonic() if now is None else now
    with _LOCK:
        _LAST_TICK[run_id] = now
        average = _AVERAGE_TICK_S[0]
        _AVERAGE_TICK_S[0] = seconds if average == 0 else 0.9 * average + 0.1 * seconds


def stopped(run_id: int) -> None:
    """A session stopped playing (or closed)."""
    with _LOCK:
        _LAST_TICK.pop(run_id, None)


def playing_sessions(now: float | None = None) -> int:
    """Sessions that ticked in the last PLAYING_FOR_S seconds."""
    now = time.monotonic() if now is None else now
    with _LOCK:
        for run_id in [run_id for run_id, last in _LAST_TICK.items() if now - last > PLAYING_FOR_S]:
            del _LAST_TICK[run_id]
        return len(_LAST_TICK)


def wanted_interval(own_tick_s: float, now: float | None = None) -> float:
    """The interval the server can afford for every playing session, and this one's own tick (its wall time),
    rounded up to a step."""
    sessions = max(playing_sessions(now), 1)
    needed = max(BASE_INTERVAL_S, sessions * _AVERAGE_TICK_S[0] / BUSY_SHARE, OWN_TICK_FACTOR * own_tick_s)
    return next((step for step in INTERVALS_S if step >= needed - 1e-9), INTERVALS_S[-1])


def should_change(current: float, wanted: float) -> bool:
    """Change only by more than one step, or down to a lower one the load allows; avoids flapping between steps."""
    if wanted > current:
        return True
    steps = INTERVALS_S
    return current in steps and wanted in steps and steps.index(current) - steps.index(wanted) >= 2
