"""Colour runs by a column: a continuous scale (log where the values span decades) or one colour per category.

Pure functions, no Streamlit: ``colour_options`` lists what may colour the picked runs, ``colour_key`` gives every
run its colour, the group its line is drawn in (one trace a group keeps 1,000 runs cheap) and the key's own
traces: a colour bar for numbers, one legend entry per value for categories.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from plotly.colors import sample_colorscale

from core.regression.value_text import value_text
from core.store.run_columns import CONFIG_COLUMNS, RESULT_COLUMNS
from ui.compare.run_figures import PALETTE

BY_RUN = "run"  # one colour per run, as before (the palette repeats after ten runs)
SCALE = "Viridis"
LEVELS = 16  # a continuous scale is drawn in this many steps, one trace a step
LOG_SPAN = 100.0  # positive values whose max / min reaches this are coloured on a log scale
MISSING = "#b0b0b0"  # runs with no value (a diverged run's loss, a run that never converged)
COLOUR_METRICS: tuple[str, ...] = ("final_loss", "final_step_loss", "steps_to_converge", "final_w", "final_b")
CATEGORY_COLOURS: tuple[str, ...] = PALETTE


@dataclass
class ColourKey:
    """Each run's colour and draw group, and the traces that explain the colours (colour bar or legend)."""

    column: str
    colours: dict[int, str]
    groups: dict[int, str]
    traces: list[dict[str, Any]] = field(default_factory=list)
    categorical: bool = False


def colour_options(runs: list[dict], values: Mapping[int, Mapping[str, Any]]) -> list[str]:
    """ "run", then every config field that varies among the runs, then the final metrics."""
    varying = [
        column
        for column in CONFIG_COLUMNS
        if column != "data_hash" and len({repr(values[run["id"]][column]) for run in runs}) > 1
    ]
    return [BY_RUN, *varying, *(metric for metric in COLOUR_METRICS if metric in RESULT_COLUMNS)]


def needs_convergence(column: str) -> bool:
    """Whether colouring by column needs each run's steps to converge (read from its points)."""
    return column == "steps_to_converge"


def colour_key(runs: list[dict], values: Mapping[int, Mapping[str, Any]], column: str) -> ColourKey:
    """The key for colouring runs by column (BY_RUN: the palette in pick order, no key traces)."""
    if column == BY_RUN:
        colours = {run["id"]: PALETTE[index % len(PALETTE)] for index, run in enumerate(runs)}
        return ColourKey(column, colours, dict(colours))
    column_values = {run["id"]: values[run["id"]].get(column) for run in runs}
    numbers = [value for value in column_values.values() if _is_number(value)]
    if numbers and len(numbers) == sum(value is not None for value in column_values.values()):
        return _scale_key(column, column_values, numbers)
    return _category_key(column, column_values)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def is_log_scale(numbers: list[float]) -> bool:
    """Positive values that span at least two decades."""
    return min(numbers) > 0 and max(numbers) / min(numbers) >= LOG_SPAN


def _scale_key(column: str, column_values: dict[int, Any], numbers: list[float]) -> ColourKey:
    log = is_log_scale(numbers)
    place = (lambda value: math.log10(value)) if log else float
    low, high = place(min(numbers)), place(max(numbers))
    span = (high - low) or 1.0
    levels = sample_colorscale(SCALE, [index / (LEVELS - 1) for index in range(LEVELS)])
    colours, groups = {}, {}
    for run_id, value in column_values.items():
        if not _is_number(value):
            colours[run_id], groups[run_id] = MISSING, "none"
            continue
        level = round((place(value) - low) / span * (LEVELS - 1))
        colours[run_id], groups[run_id] = levels[level], f"level {level}"
    title = f"log10 {column}" if log else column
    colorbar: dict[str, Any] = {"title": {"text": title, "side": "right"}, "thickness": 12, "len": 0.9}
    if log:
        decades = list(range(math.ceil(low), math.floor(high) + 1))
        if len(decades) >= 2:
            colorbar.update(tickvals=decades, ticktext=[f"1e{decade}" for decade in decades])
    bar = {
        "type": "scatter",
        "mode": "markers",
        "x": [None],
        "y": [None],
        "name": title,
        "showlegend": False,
        "hoverinfo": "skip",
        "marker": {
            "color": [low, high],
            "colorscale": SCALE,
            "cmin": low,
            "cmax": high if high > low else low + 1,
            "showscale": True,
            "colorbar": colorbar,
        },
    }
    return ColourKey(column, colours, groups, [bar])


def _category_key(column: str, column_values: dict[int, Any]) -> ColourKey:
    texts = {run_id: "none" if value is None else value_text(value) for run_id, value in column_values.items()}
    categories = sorted(set(texts.values()), key=lambda text: (text == "none", text))
    palette = {
        text: MISSING if text == "none" else CATEGORY_COLOURS[index % len(CATEGORY_COLOURS)]
        for index, text in enumerate(categories)
    }
    entries = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": [None],
            "y": [None],
            "name": f"{column} = {text}",
            "legendgroup": f"{column} = {text}",
            "line": {"color": palette[text], "width": 3},
            "hoverinfo": "skip",
        }
        for text in categories
    ]
    colours = {run_id: palette[text] for run_id, text in texts.items()}
    groups = {run_id: f"{column} = {text}" for run_id, text in texts.items()}
    return ColourKey(column, colours, groups, entries, categorical=True)
