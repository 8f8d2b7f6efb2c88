"""The lanes table: one row per lane with its label, what it overrides, w, b, loss, step, status and speed.

Full script runs draw it (st.table, key lanes_table); while a race plays, each tick's live feed carries the cells'
new texts (``cell_texts``) and the feed's script writes them into the table in place, as it does the metrics (see
ui/live/readouts.py), so a tick stays one element however many lanes race.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core.race.labels import lane_colour
from core.race.lane_fields import LANE_FIELDS
from core.regression.fields import short_name
from core.regression.value_text import display_text
from ui.live import feed_state

TABLE_KEY = "lanes_table"
SHOWN_DIVERGED_KEY = "lanes_table_diverged"  # the lanes whose divergence the last full run showed


def overrides_text(overrides: dict[str, Any]) -> str:
    """What a lane sets apart from the shared settings: "lr 0.1, optimizer adam" (— for none)."""
    parts = [f"{short_name(name)} {display_text(overrides[name])}" for name in LANE_FIELDS if name in overrides]
    return ", ".join(parts) or "—"


COLUMNS = ("lane", "overrides", "w", "b", "loss", "step", "status", "steps to converge", "steps/s", "colour")


def lane_rows(view: dict[str, Any], playing: bool = True) -> list[tuple[Any, ...]]:
    """The table's rows, one tuple per lane in COLUMNS order: every lane of a race, or the single run as its one
    lane. A lane still running in a race that is not playing shows as paused (or ready, before its first step), as
    the status line does."""
    lanes = view.get("lanes") or [
        {
            "label": view["config"]["optimizer"],
            "overrides": {},
            "w": view["w"],
            "b": view["b"],
            "loss": view["mean_loss"],
            "steps_done": view["steps_done"],
            "status": view["status"],
            "converged_step": view.get("converged_step"),
            "steps_per_s": None,
            "colour": lane_colour(0),
        }
    ]
    return [
        (
            lane["label"],
            overrides_text(lane["overrides"]),
            lane["w"],
            lane["b"],
            lane["loss"],
            lane["steps_done"],
            shown_status(lane, playing),
            lane["converged_step"],
            lane["steps_per_s"],
            lane["colour"],
        )
        for lane in lanes
    ]


def rows(view: dict[str, Any], playing: bool = True) -> pd.DataFrame:
    """lane_rows as the table a full run draws."""
    return pd.DataFrame(lane_rows(view, playing), columns=list(COLUMNS))


FORMATS = {  # how each numeric column is shown, in the table and in a tick's cell texts
    "w": "{:.4f}",
    "b": "{:.4f}",
    "loss": "{:.4g}",
    "step": "{:,}",
    "steps/s": "{:,.0f}",
    "steps to converge": "{:,.0f}",
}
MISSING = "—"


def cell_text(column: str, value: Any) -> str:
    """One cell as the table shows it."""
    if value is None or (isinstance(value, float) and value != value):
        return MISSING
    return FORMATS[column].format(value) if column in FORMATS else str(value)


def shown_status(lane: dict[str, Any], playing: bool) -> str:
    """running, paused, ready, done or diverged."""
    if lane["status"] != "running" or playing:
        return lane["status"]
    return "paused" if lane["steps_done"] else "ready"


def cell_texts(view: dict[str, Any]) -> list[list[str]]:
    """Every row's cells as shown (the lane's label first), for a tick to write into the drawn table."""
    return [[cell_text(column, value) for column, value in zip(COLUMNS[:-1], row)] for row in lane_rows(view)]


def diverged_labels(view: dict[str, Any]) -> frozenset[str]:
    """The lanes that have stopped on a divergence."""
    return frozenset(lane["label"] for lane in view.get("lanes") or [] if lane["status"] == "diverged")


def show(view: dict[str, Any], playing: bool = False) -> None:
    """The lanes' block (key lanes_table): one row per lane, each lane's label in its colour, and a diverged lane's
    reason under it. A single run is its one row (the page puts it under the charts, which keep their place)."""
    feed_state.current()[SHOWN_DIVERGED_KEY] = diverged_labels(view)
    with st.container(key=TABLE_KEY):
        _table(view, playing)


def needs_redraw(view: dict[str, Any]) -> bool:
    """A lane diverged since the last full run: its reason goes under the table, so the page draws again."""
    return bool(diverged_labels(view) - feed_state.current().get(SHOWN_DIVERGED_KEY, frozenset()))


def _table(view: dict[str, Any], playing: bool) -> None:
    table = rows(view, playing)
    colours = table.pop("colour")
    styled = table.style.apply(
        lambda column: [f"color: {colour}; font-weight: 600" for colour in colours], subset=["lane"]
    ).format(FORMATS, na_rep=MISSING)
    st.table(styled.hide(axis="index"))  # plain HTML cells, so a browser reads them as text
    for lane in view.get("lanes") or []:
        if lane["status"] == "diverged":
            st.error(f"**{lane['label']}** stopped: {lane['message']} The other lanes go on.", icon="🛑")
