"""AppTest helpers for the pages: locate page scripts, read live-chart figures, metrics, and click buttons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
LIVE_PAGE = str(ROOT / "pages" / "2_Live_Regression.py")


def figure(app: AppTest, key: str) -> dict[str, Any]:
    """The Plotly figure last sent to the live chart keyed ``key``."""
    for element in app.get("bidi_component"):
        if element.key == key:
            data = json.loads(element.proto.bytes or element.proto.json)
            return data.get("figure", data)
    raise AssertionError(f"no live chart keyed {key!r}")


def metric(app: AppTest, label: str) -> str:
    """The value shown by the metric labelled ``label``."""
    return next(m.value for m in app.metric if m.label == label)


def click(app: AppTest, label: str) -> AppTest:
    """Click the button labelled ``label`` and rerun."""
    next(b for b in app.button if b.label == label).click()
    return app.run()
