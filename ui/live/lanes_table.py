"""The lanes table: one row per lane with its label, what it overrides, w, b, loss, step, status and speed."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core.race.labels import lane_colour
from core.race.lane_fields import LANE_FIELDS
from core.regression.fields import short_name
from core.regression.value_text import display_text

TABLE_KEY = "lanes_table"


def overrides_text(overrides: dict[str, Any]) -> str:
    """What a lane sets apart from the shared settings: "lr 0.1, optimizer adam" (— for none)."""
    parts = [f"{short_name(name)} {display_text(overrides[name])}" for name in LANE_FIELDS if name in overrides]
    return ", ".join(parts) or "—"


def rows(view: dict[str, Any]) -> pd.DataFrame:
    """The table's rows: every lane of a race, or the single run as its one lane."""
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
    return pd.DataFrame(
        {
            "lane": [lane["label"] for lane in lanes],
            "overrides": [overrides_text(lane["overrides"]) for lane in lanes],
            "w": [lane["w"] for lane in lanes],
            "b": [lane["b"] for lane in lanes],
            "loss": [lane["loss"] for lane in lanes],
            "step": [lane["steps_done"] for lane in lanes],
            "status": [lane["status"] for lane in lanes],
            "steps to converge": [lane["converged_step"] for lane in lanes],
            "steps/s": [lane["steps_per_s"] for lane in lanes],
            "colour": [lane["colour"] for lane in lanes],
        }
    )


def show(view: dict[str, Any]) -> None:
    """The lanes' block (key lanes_table): for a race, the table, each lane's label in its colour, and a diverged
    lane's reason under it.

    A single run has no other lane to set beside it, and its metrics and status line already say all its one row
    would, so it draws none: the charts keep their place (the first two show whole at 1280 × 720).
    """
    if view.get("lanes"):
        with st.container(key=TABLE_KEY):
            _table(view)


def _table(view: dict[str, Any]) -> None:
    table = rows(view)
    colours = table.pop("colour")
    styled = table.style.apply(
        lambda column: [f"color: {colour}; font-weight: 600" for colour in colours], subset=["lane"]
    ).format(
        {
            "w": "{:.4f}",
            "b": "{:.4f}",
            "loss": "{:.4g}",
            "step": "{:,}",
            "steps/s": "{:,.0f}",
            "steps to converge": "{:,.0f}",
        },
        na_rep="—",
    )
    st.table(styled.hide(axis="index"))  # plain HTML cells, so a browser reads them as text
    for lane in view.get("lanes") or []:
        if lane["status"] == "diverged":
            st.error(f"**{lane['label']}** stopped: {lane['message']} The other lanes go on.", icon="🛑")
