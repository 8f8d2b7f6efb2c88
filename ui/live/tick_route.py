"""The live ticks' HTTP route: a playing session's browser asks for its next tick here, outside any script run.

A fragment rerun costs the Streamlit process several milliseconds however little it draws (a script thread, the
session's widget states, the fragment's delta bookkeeping, the flush), which is the ceiling of a class on one
server. So while a run plays, the page's feed tells the browser where to fetch each tick instead: this route.
dashboard.py mounts it when ``streamlit run dashboard.py`` starts the app (an ``st.App`` with extra routes).

Each session that may tick here holds a ``Ticker`` (kept in its session_state, so it lives as long as the
session); the route finds it by a random token that only that session's page was sent. Nothing here knows what
a tick is: the ticker's ``serve`` does (ui/live/http_tick.py).
"""

from __future__ import annotations

import json
import secrets
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

TICK_PATH = "/_tapestream/live/tick"
SESSION_KEY = "live_http_ticker"
_TICKERS: weakref.WeakValueDictionary[str, Ticker] = weakref.WeakValueDictionary()
GONE = {"gone": True, "fallback": "no playing session has this token"}
_mounted = {"routes": False}  # whether this process serves TICK_PATH (not under AppTest, or a bare script)


@dataclass(eq=False)
class Ticker:
    """One session's way in: its token, and what serves its next tick (JSON text)."""

    serve: Callable[[], str]
    token: str = field(default_factory=lambda: secrets.token_urlsafe(18))


def routes() -> list[BaseRoute]:
    """The routes to mount beside Streamlit's (dashboard.py's st.App); from then on pages may hand out links."""
    _mounted["routes"] = True
    return [Route(_path(), tick, methods=["GET"])]


def link(serve: Callable[[], str]) -> dict[str, str] | None:
    """From a script run: let this session's browser fetch its ticks (served by serve); where and with what token.
    None when this process serves no tick route."""
    if not _mounted["routes"]:
        return None
    ticker = st.session_state.get(SESSION_KEY)
    if not isinstance(ticker, Ticker):
        ticker = st.session_state[SESSION_KEY] = Ticker(serve)
    ticker.serve = serve
    _TICKERS[ticker.token] = ticker
    return {"url": _path(), "token": ticker.token}


def forget() -> None:
    """From a script run: this session's browser may no longer fetch ticks (it asks the fragment instead)."""
    ticker = st.session_state.get(SESSION_KEY)
    if isinstance(ticker, Ticker):
        _TICKERS.pop(ticker.token, None)


def tick(request: Request) -> Response:
    """GET TICK_PATH?token=…: the session's next tick as JSON. An unknown token (a session that stopped playing or
    ended) is answered ``gone`` with a reason: the browser's clock then asks the fragment (a 404 would log a
    console error for a tick that was merely in flight when the session stopped)."""
    ticker = _TICKERS.get(request.query_params.get("token", ""))
    body = ticker.serve() if ticker is not None else json.dumps(GONE)
    return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})


def _path() -> str:
    """TICK_PATH under the server's base URL path, where the browser finds the rest of the app."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}{TICK_PATH}" if base else TICK_PATH
