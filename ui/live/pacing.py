"""Paces the live ticks of every session on this server by load, so an overloaded server slows down evenly.

Each tick reports how long it took. The server-wide load is the playing sessions times the average tick time:
one Streamlit process runs one script at a time (the GIL), so when the sessions' ticks would need more than a
share of it, every session's interval grows together, leaving room for the clicks of everyone in the class. The
browser asks for a tick only once the last one has arrived (ui/live/chart_component.py), so a tick never
interrupts the one before; the interval here is the cadence that keeps the server under its share.
"""

from __future__ import annotations

import threading
import time

BASE_INTERVAL_S = 0.08  # a tick every 80 ms when the server has room: 10+ chart updates per second
MAX_INTERVAL_S = 1.0  # at least one update a second, whatever the load (the server answers as it can)
BUSY_SHARE = 0.8  # the share of the process's time the ticks may take before the intervals grow
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


def wanted_interval(now: float | None = None) -> float:
    """The interval the server can afford for every playing session, between BASE_INTERVAL_S and MAX_INTERVAL_S."""
    sessions = max(playing_sessions(now), 1)
    return min(max(BASE_INTERVAL_S, sessions * _AVERAGE_TICK_S[0] / BUSY_SHARE), MAX_INTERVAL_S)
