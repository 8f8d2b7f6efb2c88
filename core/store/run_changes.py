"""A saved run's mid-run changes for Compare: the events table, where each lands on a chart, step-wise targets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from core.regression.value_text import display_text, event_label

EVENT_COLUMNS: tuple[str, ...] = ("run", "step", "field", "change")


def run_events(run: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The run's events (step, field, old, new) in step order; malformed entries of older stores are left out."""
    events = [
        event
        for event in run.get("events") or []
        if isinstance(event, Mapping) and isinstance(event.get("step"), int) and isinstance(event.get("field"), str)
    ]
    return sorted(events, key=lambda event: event["step"])


def events_frame(runs: list[dict], labels: Mapping[int, str]) -> pd.DataFrame:
    """One row a mid-run change of the picked runs: run, step, field and 'old → new'."""
    rows = [
        (
            labels[run["id"]],
            event["step"],
            event["field"],
            f"{display_text(event.get('old'))} → {display_text(event.get('new'))}",
        )
        for run in runs
        for event in run_events(run)
    ]
    return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))


def target_steps(run: Mapping[str, Any], field: str, final_value: float) -> list[tuple[int, float]]:
    """(from_step, value) pairs of a target over the run: the stored config holds its last value.

    A change recorded at step s takes effect from step s + 1, so the old value holds up to step s.
    """
    changes = [event for event in run_events(run) if event["field"] == field]
    try:
        pieces = [(0, float(changes[0]["old"]))] if changes else []
        pieces += [(int(event["step"]), float(event["new"])) for event in changes]
    except (TypeError, ValueError):  # an event that is not a number: draw the final target only
        pieces = []
    return pieces or [(0, float(final_value))]


def target_path(
    run: Mapping[str, Any], field: str, final_value: float, steps: np.ndarray, x: np.ndarray
) -> dict[str, list[float]]:
    """A step-wise target line on the chart's x axis: flat, with a vertical jump at each change."""
    pieces = target_steps(run, field, final_value)
    starts = [0.0, *(x_at(step, steps, x) for step, _ in pieces[1:])]
    stops = [*starts[1:], float(x[-1]) if len(x) else 1.0]
    return {
        "x": [at for start, stop in zip(starts, stops) for at in (start, stop)],
        "y": [value for _, value in pieces for _ in range(2)],
    }


def x_at(step: int, steps: np.ndarray, x: np.ndarray) -> float:
    """Where a step lies on the chart's x axis (the step itself, or the fractional epoch)."""
    if len(steps) == 0:
        return float(step)
    return float(np.interp(step, np.asarray(steps, dtype=np.float64), np.asarray(x, dtype=np.float64)))


def event_marks(run: Mapping[str, Any], steps: np.ndarray, x: np.ndarray, values: Mapping[str, Any]) -> dict:
    """Each event's x, its label, and the value each series (w, b, loss) has there, for markers on the charts."""
    events = run_events(run)
    where = [x_at(event["step"], steps, x) for event in events]
    return {
        "x": where,
        "label": [event_label(event) for event in events],
        **{
            name: [float(np.interp(at, np.asarray(x, np.float64), np.asarray(series, np.float64))) for at in where]
            if len(x)
            else []
            for name, series in values.items()
        },
    }
