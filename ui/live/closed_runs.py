"""Runs saved when a browser session closed, remembered per browser, so a reloaded page can say where its run went.

Process-wide (one Streamlit server process). A reload opens the new session before the old one has closed and
saved its run, so a new session of a browser that still has an open session waits briefly for it to close.
Entries are forgotten once told, or after KEEP_SECONDS.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass

KEEP_SECONDS = 600.0
RELOAD_WAIT_S = 2.0  # how long a new session waits for its browser's previous session to close
_CHANGED = threading.Condition()
_CLOSED: dict[str, ClosedRun] = {}
_OPEN: Counter[str] = Counter()


@dataclass(frozen=True)
class ClosedRun:
    """The run a closed session saved: its id, how far it had got, and when the session closed."""

    run_id: int
    steps: int
    closed_at: float


def browser_key(cookie: str | None) -> str | None:
    """A key for one browser from its XSRF cookie (never the cookie itself).

    The cookie reads "2|mask|masked token|timestamp", and the mask changes from request to request; the token,
    the masked token XOR the repeating 4-byte mask, is what stays the same across reloads.
    """
    if not isinstance(cookie, str) or not cookie:  # no cookie (AppTest hands over a stand-in object)
        return None
    stable = cookie
    parts = cookie.split("|")
    if len(parts) == 4 and parts[0] == "2":
        try:
            mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
            stable = bytes(byte ^ mask[index % len(mask)] for index, byte in enumerate(masked)).hex()
        except (ValueError, ZeroDivisionError):
            stable = cookie
    return hashlib.sha256(stable.encode()).hexdigest()[:16]


def opened(browser: str | None) -> None:
    """A session of this browser opened a live run."""
    if browser is not None:
        with _CHANGED:
            _OPEN[browser] += 1


def closed(browser: str | None, run_id: int | None = None, steps: int = 0) -> None:
    """A session of this browser closed, after saving run_id (None if it had nothing to save)."""
    if browser is None:
        return
    with _CHANGED:
        _OPEN[browser] = max(_OPEN[browser] - 1, 0)
        if run_id is not None:
            _CLOSED[browser] = ClosedRun(run_id, steps, time.time())
        _CHANGED.notify_all()


def take(browser: str | None, wait: float = 0.0) -> ClosedRun | None:
    """The run this browser's last closed session saved, told once; None if none or too old.

    With wait, a browser that still has an open session (the page being reloaded) is given that long to close it.
    """
    if browser is None:
        return None
    deadline = time.monotonic() + wait
    with _CHANGED:
        while browser not in _CLOSED and _OPEN[browser] > 0 and time.monotonic() < deadline:
            _CHANGED.wait(timeout=max(deadline - time.monotonic(), 0.0))
        now = time.time()
        for key in [key for key, run in _CLOSED.items() if now - run.closed_at > KEEP_SECONDS]:
            del _CLOSED[key]
        return _CLOSED.pop(browser, None)
