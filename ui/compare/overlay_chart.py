"""Compare's overlay charts drawn as live charts: Plotly.react into one persistent <div>, not st.plotly_chart.

st.plotly_chart redraws its whole element on every page run that changes the figure (about 1 s for each overlay
of 1,000 runs in Chromium); the live chart hands the new figure to Plotly.react in place. Each figure gets a
``uirevision`` that holds while the same runs are drawn on the same axes, so a zoom survives a recolour or a
highlight, and a ``meta.frame`` that is a hash of the figure, so the browser redraws exactly when it changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import numpy as np

from ui.figures import Figure
from ui.live.chart_component import live_chart


def _plain(value: Any) -> Any:
    """JSON for what json cannot write itself: numpy scalars and arrays."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def revision(key: str, run_ids: list[int], *view: Any) -> str:
    """A chart's uirevision: its key, the runs drawn and the view (axis, log scale); a zoom lasts while it holds."""
    digest = hashlib.sha1(json.dumps([run_ids, *view], default=_plain).encode()).hexdigest()[:12]
    return f"{key}:{digest}"


def framed(figure: Figure, uirevision: str) -> Figure:
    """figure as plain JSON data, with its uirevision and a meta.frame that is a short hash of the figure."""
    plain = json.loads(json.dumps(figure, default=_plain))
    frame = hashlib.sha1(json.dumps(plain, sort_keys=True).encode()).hexdigest()[:12]
    layout = plain.setdefault("layout", {})
    layout["uirevision"] = uirevision
    layout["meta"] = {**(layout.get("meta") or {}), "frame": frame}
    return plain


def draw(plain: Figure, key: str, on_click: Callable[[list[Any]], None] | None = None) -> None:
    """Draw a framed figure as the live chart keyed ``key`` (element .st-key-<key> .tapestream-chart); on_click gets
    the customdata of the points a click hits. Framing comes first, so several charts can be built before the first
    is sent."""
    live_chart(plain, key, on_click)
