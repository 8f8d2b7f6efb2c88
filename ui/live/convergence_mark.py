"""The "converged @ step k" mark: drawn on the step charts like a mid-run change, from the view's converged step."""

from __future__ import annotations

from typing import Any

from core.regression.value_text import CONVERGED_MARK


def chart_events(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The view's mid-run changes, plus a mark at the step the run converged (if it has)."""
    events = list(view.get("events", []))
    step = view.get("converged_step")
    if step is not None:
        events.append({"step": int(step), "field": CONVERGED_MARK, "old": None, "new": None})
    return events
