"""Number formats of the Compare tables: w and b to 4 decimals, losses to 4 significant digits, and room for both."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.store.compare import FINAL_LOSS, STEP_LOSS

NUMBER_WIDTH = 115  # px: "-314919.5000" with its minus sign, in the grid's font
HEADER_CHAR_PX = 7  # a header character's width, so long headers are not cut off either
HEADER_PADDING_PX = 30
LOSS_FORMAT = "%.3e"  # 4 significant digits in scientific notation: 8.000e-12 (not 0.000000000008), 9.000e+10
FORMATS: dict[str, str] = {
    "final w": "%.4f",
    "Δ w": "%+.4f",
    "final b": "%.4f",
    "Δ b": "%+.4f",
    FINAL_LOSS: LOSS_FORMAT,
    "Δ loss": "%+.3e",
    STEP_LOSS: LOSS_FORMAT,
    "final loss": LOSS_FORMAT,
    "converged at step": "%d",
    "Δ steps": "%+d",
    "steps to converge": "%d",
    "lr": "%g",
    "noise": "%g",
}
HELP: dict[str, str] = {
    FINAL_LOSS: "the mean loss over all the data at the run's final w and b",
    "final loss": "the mean loss over all the data at the run's final w and b",
    STEP_LOSS: "the loss the tape recorded at the run's last step (one sample or batch)",
}


AUTO_WIDTH = frozenset({"lr", "noise"})  # short settings: the grid sizes these to their values


def column_width(column: str) -> int | None:
    """Pixels for a result column: room for a signed 12-character number and for its header."""
    if column in AUTO_WIDTH:
        return None
    return max(NUMBER_WIDTH, HEADER_CHAR_PX * len(column) + HEADER_PADDING_PX)


def number_columns(columns: Any) -> dict[str, Any]:
    """Column configs for the numeric columns among columns that have a Compare format."""
    return {
        column: st.column_config.NumberColumn(
            column, format=FORMATS[column], width=column_width(column), help=HELP.get(column)
        )
        for column in columns
        if column in FORMATS
    }
