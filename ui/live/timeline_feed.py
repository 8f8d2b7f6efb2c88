"""The Timeline's feed element: a move's chart deltas as compact UTF-8 JSON, behind a one-line script.

A components.v2 element carries its whole script every time it is written, and a Timeline move writes it once:
live_feed's script (ui/live/chart_component.py) carries the clock's fallback for pages without charts, about
600 bytes a move. The Timeline only runs where its charts are drawn, so its script just hands the payload to the
charts' shared code (window.__tapestream.feed, put on the page by the charts drawn by full runs), retrying a few
times while that code mounts. The payload is the same as live_feed's, written without spaces or escapes.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

COMPONENT_NAME = "tapestream_timeline_feed"
# Hand over to the charts' code; it may mount a moment after this element on a full run (40 tries, 0.1 s apart).
FEED_JS = (
    "export default function (c) {\n"
    "  const feed = (n) => window.__tapestream ? window.__tapestream.feed(c) : n && setTimeout(feed, 100, n - 1);\n"
    "  feed(40);\n"
    "}\n"
)


def encoded(payload: dict[str, Any]) -> bytes:
    """The payload as JSON bytes without spaces or escapes (the charts' code decodes UTF-8)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _ignore() -> None:
    """A trigger needs a callback: the charts' code asks for a full draw ("resync") when it misses one."""


def timeline_feed(payload: dict[str, Any], key: str) -> int:
    """Send a move's deltas to the charts already drawn (from inside the Timeline's fragment); the bytes sent."""
    data = encoded(payload)
    component = st.components.v2.component(COMPONENT_NAME, html="", js=FEED_JS, isolate_styles=False)
    component(key=key, data=data, on_resync_change=_ignore)
    return len(data)
