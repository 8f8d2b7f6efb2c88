"""Pure figure builders for many picked runs: one line trace per colour group, the colour key, hover per run.

Above LEGEND_RUNS runs a legend entry per run would push the plot into a corner, so lines of the same colour
are joined (with gaps) into one trace whose customdata is the run id, and every point hovers its run's text: its
name, the settings that vary and its final values. Highlighted runs are drawn
thick on top and the others faint. Seed bands and the result scatter (lasso-selectable) live here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from core.regression.downsample import minmax_indices
from ui.compare.colour_key import ColourKey
from ui.compare.run_figures import TITLES, base_layout
from ui.compare.training_figures import target_path
from ui.figures import COLORS, Figure, packed

LEGEND_RUNS = 12  # above this many runs the per-run legend gives way to the colour key and hover text
FAINT = 0.2
# SVG, not scattergl: the joined lines are at most 17 traces of 100,000 points, which SVG draws faster than WebGL
# does without a GPU (SwiftShader: each redraw compiled shaders; 31 s against 12.6 s to recolour 1,000 runs).
TRACE_TYPE = "scatter"
HOVER_FIELDS = 6


def thinned(item: dict[str, Any], quantity: str, max_points: int) -> dict[str, Any]:
    """One run's chart series for the overlay of one quantity, at most max_points: the first and last point and the
    min and max of that quantity in each bucket (its spikes, which a share of points kept for w, b and loss together
    would miss). Only x and that quantity (and the raw loss beside the loss) are kept."""
    keep = minmax_indices(np.asarray(item[quantity], dtype=np.float64), max_points)
    others = [name for name in ("w", "b", "loss") if name != quantity]
    thin = {name: value for name, value in item.items() if name not in others}
    thin["x"], thin[quantity] = np.asarray(item["x"])[keep], np.asarray(item[quantity])[keep]
    if quantity == "loss" and item.get("raw_loss") is not None:
        thin["raw_loss"] = np.asarray(item["raw_loss"])[keep]
    else:
        thin["raw_loss"] = None
    return thin


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    """Arrays joined with a NaN between them, so one line trace draws them as separate lines."""
    if not parts:
        return np.zeros(0)
    gap = np.array([np.nan])
    return np.concatenate([piece for part in parts for piece in (np.asarray(part, dtype=np.float64), gap)][:-1])


def _run_ids(items: list[dict[str, Any]], x_of: str) -> np.ndarray:
    """Each joined point's run id (the gaps take the id of the run before them)."""
    return np.concatenate([np.full(len(item[x_of]) + 1, item["id"]) for item in items])[:-1]


def _group_traces(
    series: list[dict[str, Any]],
    x_of: str,
    y_of: str,
    key: ColourKey,
    highlighted: set[int],
    hover: str,
) -> list[dict[str, Any]]:
    """One line trace per colour group (faint when others are highlighted), then the highlighted ones."""
    traces = []
    for lit in (False, True):
        members: dict[str, list[dict[str, Any]]] = {}
        for item in series:
            if (item["id"] in highlighted) == lit:
                members.setdefault(key.groups[item["id"]], []).append(item)
        for group, items in members.items():
            faint = bool(highlighted) and not lit
            traces.append(
                {
                    "type": TRACE_TYPE,
                    "mode": "lines",
                    "x": packed(_joined([item[x_of] for item in items])),
                    "y": packed(_joined([item[y_of] for item in items])),
                    "customdata": packed(
                        np.concatenate([np.full(len(item[x_of]) + 1, item["id"]) for item in items])[:-1]
                    ),
                    "name": group,
                    "legendgroup": group if key.categorical else None,
                    "showlegend": False,
                    "connectgaps": False,
                    "opacity": FAINT if faint else 1.0,
                    "line": {"color": key.colours[items[0]["id"]], "width": 2.5 if lit else 1},
                    "hovertemplate": f"%{{text}}<br>{hover}<extra></extra>",
                }
            )
    return traces


def _shared_target(series: list[dict[str, Any]], quantity: str) -> list[dict[str, Any]]:
    """One grey dashed target line when every run has the same target path (none otherwise: hover shows it)."""
    paths = [target_path(item, quantity) for item in series]
    if not paths or any(path["y"] != paths[0]["y"] for path in paths):
        return []
    longest = max(paths, key=lambda path: path["x"][-1])
    values = " → ".join(f"{value:g}" for value in dict.fromkeys(longest["y"][::2]))
    return [
        {
            "type": TRACE_TYPE,
            "mode": "lines",
            "x": packed(longest["x"]),
            "y": packed(longest["y"]),
            "name": f"{quantity}* = {values}",
            "line": {"color": COLORS["target"], "dash": "dash", "width": 1},
            "hoverinfo": "skip",
        }
    ]


def _y_axis(quantity: str, log_y: bool, y_range: list[float] | None) -> dict[str, Any]:
    log = quantity == "loss" and log_y
    axis: dict[str, Any] = {"title": {"text": "loss (log)" if log else quantity}}
    if log:
        axis["type"] = "log"
    if y_range is not None:
        axis.update(range=y_range, autorange=False)
    return axis


def many_overlay_figure(
    series: list[dict[str, Any]],
    quantity: str,
    x_title: str,
    key: ColourKey,
    hover_texts: Mapping[int, str],
    highlighted: set[int] = frozenset(),
    log_y: bool = False,
    y_range: list[float] | None = None,
) -> Figure:
    """One quantity of many runs: a line trace per colour group, the key (colour bar or legend), the target.

    Every point hovers its run's text (name, settings, final values): the texts go once, in layout.meta, as
    ``customdata_text`` (run id → text), and the browser gives each point the text of its customdata (its run id)
    before drawing (ui/live/chart_component.py). layout.meta.runs is how many runs the chart draws."""
    data = _group_traces(series, "x", quantity, key, set(highlighted), f"{x_title} %{{x}}<br>{quantity} %{{y:.4g}}")
    if quantity in ("w", "b"):
        data += _shared_target(series, quantity)
    data += key.traces
    layout = base_layout(f"{TITLES[quantity]} · {len(series)} runs", x_title, quantity, hovermode="closest")
    layout["yaxis"] = _y_axis(quantity, log_y, y_range)
    layout["showlegend"] = any(trace.get("showlegend", True) for trace in data)
    texts = {str(item["id"]): hover_texts.get(item["id"], item.get("label", f"run #{item['id']}")) for item in series}
    layout["meta"] = {"runs": len(series), "customdata_text": texts}
    return {"data": data, "layout": layout}


def keyed_colours(figure: Figure, key: ColourKey, ids: list[int]) -> Figure:
    """A few-run overlay recoloured by the key: each run's traces (legendgroup = its id) and the key's colour bar."""
    colours = {str(run_id): key.colours[run_id] for run_id in ids}
    for trace in figure["data"]:
        group = trace.get("legendgroup")
        if group in colours:
            if "line" in trace:
                trace["line"] = {**trace["line"], "color": colours[group]}
            if "marker" in trace:
                trace["marker"] = {**trace["marker"], "color": colours[group]}
    figure["data"] += [trace for trace in key.traces if not key.categorical]
    return figure


def band_overlay_figure(
    bands: list[dict[str, Any]],
    singles: list[dict[str, Any]],
    quantity: str,
    key: ColourKey,
    log_y: bool = False,
) -> Figure:
    """Mean ± std over seeds per config (runs that differ only by seed) and the other runs as lines, by step."""
    legend = len(bands) + len(singles) <= LEGEND_RUNS
    data: list[dict[str, Any]] = []
    for band in bands:
        colour = key.colours[band["ids"][0]]
        upper, lower = band["mean"] + band["std"], band["mean"] - band["std"]
        if quantity == "loss" and log_y:
            lower = np.maximum(lower, band["mean"] * 1e-3)
        tint = _tint(colour)
        common = {"type": "scatter", "mode": "lines", "x": packed(band["step"]), "hoverinfo": "skip"}
        data += [
            {**common, "y": packed(upper), "line": {"width": 0, "color": tint}, "showlegend": False},
            {
                **common,
                "y": packed(lower),
                "line": {"width": 0, "color": tint},
                "fill": "tonexty",
                "fillcolor": tint,
                "showlegend": False,
            },
            {
                "type": "scatter",
                "mode": "lines",
                "x": packed(band["step"]),
                "y": packed(band["mean"]),
                "name": f"{band['label']} ({len(band['ids'])} seeds)",
                "line": {"color": colour, "width": 2},
                "showlegend": legend,
                "hovertemplate": f"{band['label']}<br>mean over {len(band['ids'])} seeds<br>step %{{x}}: "
                "%{y:.4g}<extra></extra>",
            },
        ]
    for item in singles:
        data.append(
            {
                "type": TRACE_TYPE,
                "mode": "lines",
                "x": packed(item["step"]),
                "y": packed(item[quantity]),
                "name": item["label"],
                "line": {"color": key.colours[item["id"]], "width": 1},
                "showlegend": legend,
                "customdata": packed(np.full(len(item["step"]), item["id"])),
                "hovertemplate": f"{item['label']}<br>step %{{x}}: %{{y:.4g}}<extra></extra>",
            }
        )
    data += key.traces if not legend or not key.categorical else []
    title = f"{TITLES[quantity]}: mean ± std over seeds · {len(bands)} configs"
    layout = base_layout(title, "step", quantity, hovermode="closest")
    layout["yaxis"] = _y_axis(quantity, log_y, None)
    return {"data": data, "layout": layout}


def _tint(colour: str, alpha: float = 0.2) -> str:
    if colour.startswith("#"):
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    else:
        red, green, blue = (int(float(part)) for part in colour[colour.index("(") + 1 : -1].split(",")[:3])
    return f"rgba({red},{green},{blue},{alpha})"


def result_scatter_figure(
    points: list[dict[str, Any]], x_column: str, y_column: str, key: ColourKey, highlighted: set[int], log_y: bool
) -> Figure:
    """One marker per run: a setting against a result, coloured by the key; click or lasso picks runs."""
    faint = bool(highlighted)
    data = [
        {
            "type": TRACE_TYPE,
            "mode": "markers",
            "name": "runs",
            "x": [point["x"] for point in points],
            "y": [point["y"] for point in points],
            "customdata": [point["id"] for point in points],
            "hovertext": [point["hover"] for point in points],
            "hoverinfo": "text",
            "showlegend": False,
            "marker": {
                "size": [11 if point["id"] in highlighted else 7 for point in points],
                "color": [key.colours[point["id"]] for point in points],
                "opacity": [1.0 if not faint or point["id"] in highlighted else 0.35 for point in points],
                "line": {"width": [2 if point["id"] in highlighted else 0 for point in points], "color": "black"},
            },
        },
        *key.traces,
    ]
    layout = base_layout(f"{y_column} against {x_column}", x_column, y_column, hovermode="closest", dragmode="lasso")
    if log_y:
        layout["yaxis"]["type"] = "log"
    if any(isinstance(point["x"], str) for point in points):
        layout["xaxis"]["type"] = "category"
    return {"data": data, "layout": layout}


def hover_text(label: str, values: Mapping[str, Any], fields: list[str]) -> str:
    """A run's hover: its label, the settings that vary among the picked runs and its final values."""
    settings = " · ".join(f"{field}={_short(values.get(field))}" for field in fields[:HOVER_FIELDS])
    finals = (
        f"final loss {_short(values.get('final_loss'))} · w {_short(values.get('final_w'))} · "
        f"b {_short(values.get('final_b'))}"
    )
    if values.get("steps_to_converge") is not None:
        finals += f" · converged at step {values['steps_to_converge']}"
    return "<br>".join(part for part in (f"<b>{label}</b>", settings, finals) if part)


def _short(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
