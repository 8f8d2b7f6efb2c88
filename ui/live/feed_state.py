"""What a live tick reads and writes between ticks (the feed stream, the contour, rate samples, lane offsets).

One dict per browser session, kept in st.session_state. A tick runs either as a fragment run (a script run:
st.session_state is at hand) or as an HTTP request served outside any script run (ui/live/tick_route.py), which
hands the session's dict in with ``serving``. Code on the tick path reads and writes ``current()`` only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

SESSION_KEY = "live_feed_state"
_SERVED = threading.local()  # the dict of the session whose tick this thread serves over HTTP


def current() -> dict[str, Any]:
    """This session's tick state: the one handed in by ``serving``, else the script run's session_state."""
    state = getattr(_SERVED, "state", None)
    if state is not None:
        return state
    return st.session_state.setdefault(SESSION_KEY, {})


@contextmanager
def serving(state: dict[str, Any]) -> Iterator[None]:
    """While serving one session's tick outside a script run: ``current()`` is that session's dict."""
    _SERVED.state = state
    try:
        yield
    finally:
        _SERVED.state = None
