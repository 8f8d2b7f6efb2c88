"""Pure figure builders for the Compare page: overlays, small multiples, the shared landscape and sweep charts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ui.figures import COLORS, Figure, landmarks, loss_contour, packed

PALETTE: tuple[str, ...] = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
TITLES = {"w": "Weight w", "b": "Bias b", "loss": "Loss"}
HEIGHT = 340
RAW_OPACITY = 0.25
TARGET_LINE = {"dash": "dash", "width": 1}


def color(index: int) -> str:
    """The index-th run colour (the palette repeats after ten runs)."""
    return PALETTE[index % len(PALETTE)]


def _layout(title: str, x_title: str, y_title: str, height: int = HEIGHT, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title, "x": 0.02, "font": {"size": 15}},
        "height": height,
        "margin": {"l": 55, "r": 15, "t": 40, "b": 40},
        "xaxis": {"title": {"text": x_title, "standoff": 4}},
        "yaxis": {"title": {"text": y_title}},
        "legend": {"orientation": "h", "y": -0.3, "yanchor": "top", "x": 0, "xanchor": "left", "traceorder": "normal"},
        "hovermode": "x unified",
        **extra,
    }


def _line(x: Any, y: Any, name: str, line_color: str, **style: Any) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines",
        "x": packed(x),
        "y": packed(y),
        "name": name,
        "line": {"color": line_color, **style.pop("line", {})},
        **style,
    }


def _x_span(series: list[dict[str, Any]]) -> list[float]:
    ends = [float(values[-1]) for values in (item["x"] for item in series) if len(values)]
    return [0.0, max(ends, default=1.0)]


def target_path(item: dict[str, Any], quantity: str) -> dict[str, list[float]]:
    """The run's target line for w or b: step-wise where it changed mid-run, else flat over the run."""
    path = item.get(f"{quantity}_target_path")
    if path:
        return path
    return {"x": _x_span([item]), "y": [item[f"{quantity}_target"]] * 2}


def _target_name(quantity: str, path: dict[str, list[float]], owner: str | None = None) -> str:
    values = " → ".join(f"{value:g}" for value in dict.fromkeys(path["y"][::2]))
    return f"{quantity}* of {owner}" if owner else f"{quantity}* = {values}"


def _target_lines(series: list[dict[str, Any]], quantity: str) -> list[dict[str, Any]]:
    """One grey dashed target line when every run shares the target, else one per run in its colour.

    A target changed mid-run is drawn step-wise: w* = 5 until the step it changed, then the new value.
    """
    paths = [target_path(item, quantity) for item in series]
    if all(path["y"] == paths[0]["y"] for path in paths):
        longest = max(paths, key=lambda path: path["x"][-1])
        return [
            _line(longest["x"], longest["y"], _target_name(quantity, longest), COLORS["target"], line={"dash": "dash"})
        ]
    return [
        _line(path["x"], path["y"], _target_name(quantity, path, item["label"]), color(index), line=TARGET_LINE)
        for index, (item, path) in enumerate(zip(series, paths))
    ]


def _raw_loss_line(item: dict[str, Any], name: str, line_color: str, **style: Any) -> list[dict[str, Any]]:
    """The unsmoothed loss, faint, behind its EMA (as the Live page draws it); nothing when not smoothing."""
    if item.get("raw_loss") is None:
        return []
    return [
        _line(
            item["x"],
            item["raw_loss"],
            f"{name} (raw)",
            line_color,
            opacity=RAW_OPACITY,
            showlegend=False,
            hoverinfo="skip",
            legendgroup=str(item["id"]),
            **style,
        )
    ]


def _event_markers(item: dict[str, Any], quantity: str, marker_color: str, **style: Any) -> list[dict[str, Any]]:
    """The run's mid-run changes as diamonds on its quantity line, labelled 'lr 0.01→0.1 @ step 512'."""
    events = item.get("events") or {}
    if not events.get("x"):
        return []
    return [
        {
            "type": "scatter",
            "mode": "markers",
            "x": events["x"],
            "y": events[quantity],
            "name": f"changes in {item['label']}",
            "text": events["label"],
            "hovertemplate": "%{text}<extra></extra>",
            "marker": {"size": 10, "symbol": "diamond", "color": marker_color, "line": {"color": "white", "width": 1}},
            "legendgroup": str(item["id"]),
            **style,
        }
    ]


def event_lines(item: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Dotted vertical lines at the run's mid-run changes, with their labels at the top (for one run's chart)."""
    events = item.get("events") or {}
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": x,
            "x1": x,
            "y0": 0,
            "y1": 1,
            "line": {"color": COLORS["event"], "width": 1, "dash": "dot"},
        }
        for x in events.get("x", [])
    ]
    notes = [
        {
            "x": x,
            "xref": "x",
            "yref": "paper",
            "y": 1 - 0.07 * (index % 4),
            "text": label,
            "showarrow": False,
            "xanchor": "left",
            "font": {"size": 10, "color": COLORS["event"]},
            "bgcolor": "rgba(255,255,255,0.7)",
        }
        for index, (x, label) in enumerate(zip(events.get("x", []), events.get("label", [])))
    ]
    return shapes, notes


def _y_axis(title: str, log_y: bool, y_range: list[float] | None, **extra: Any) -> dict[str, Any]:
    axis: dict[str, Any] = {"title": {"text": title}, **extra}
    if log_y:
        axis["type"] = "log"
    if y_range is not None:
        axis["range"] = y_range
        axis["autorange"] = False
    return axis


def overlay_figure(
    series: list[dict[str, Any]],
    quantity: str,
    x_title: str,
    log_y: bool = False,
    y_range: list[float] | None = None,
) -> Figure:
    """One quantity (w, b or loss) of every run on one chart, a colour a run; w and b with their targets.

    The smoothed loss is drawn over its faint raw line; mid-run changes are diamonds on each run's line;
    y_range (log10 units on a log axis) fixes the y axis, e.g. to ignore a diverged run's outliers.
    """
    data = []
    if quantity == "loss":
        data += [
            trace for index, item in enumerate(series) for trace in _raw_loss_line(item, item["label"], color(index))
        ]
    data += [
        _line(item["x"], item[quantity], item["label"], color(index), legendgroup=str(item["id"]))
        for index, item in enumerate(series)
    ]
    if quantity in ("w", "b"):
        data += _target_lines(series, quantity)
    data += [trace for index, item in enumerate(series) for trace in _event_markers(item, quantity, color(index))]
    layout = _layout(TITLES[quantity], x_title, quantity)
    log = quantity == "loss" and log_y
    layout["yaxis"] = _y_axis("loss (log)" if log else quantity, log, y_range)
    return {"data": data, "layout": layout}


def run_figure(
    item: dict[str, Any], x_title: str, log_y: bool = False, y_ranges: dict[str, list[float] | None] | None = None
) -> Figure:
    """One run's small multiple: w, b and dashed targets above, the loss below, one shared x axis (no legend).

    Mid-run changes are dotted lines with their labels; y_ranges ("w, b" and "loss") fix the two y axes.
    """
    ranges = y_ranges or {}
    w_path, b_path = target_path(item, "w"), target_path(item, "b")
    data = [
        _line(item["x"], item["w"], "w", COLORS["w"]),
        _line(item["x"], item["b"], "b", COLORS["b"]),
        _line(w_path["x"], w_path["y"], "w*", COLORS["w"], line=TARGET_LINE),
        _line(b_path["x"], b_path["y"], "b*", COLORS["b"], line=TARGET_LINE),
        *_raw_loss_line(item, "loss", COLORS["loss"], yaxis="y2"),
        _line(item["x"], item["loss"], "loss", COLORS["loss"], yaxis="y2"),
        *_event_markers(item, "loss", COLORS["event"], yaxis="y2"),
    ]
    shapes, notes = event_lines(item)
    layout = _layout(
        "",
        x_title,
        "w, b",
        height=360,
        showlegend=False,
        margin={"l": 55, "r": 15, "t": 10, "b": 40},
        shapes=shapes,
        annotations=notes,
    )
    layout["xaxis"]["anchor"] = "y2"
    layout["yaxis"] = _y_axis("w, b", False, ranges.get("w, b"), domain=[0.4, 1.0])
    layout["yaxis2"] = _y_axis("loss", log_y, ranges.get("loss"), domain=[0.0, 0.33], anchor="x")
    return {"data": data, "layout": layout}


def landscape_figure(
    surface: dict[str, Any],
    paths: list[dict[str, Any]],
    target: tuple[float, float],
    optimum: tuple[float, float],
    contour_name: str,
) -> Figure:
    """Contours of log10 mean loss over (w, b) with every run's path, its end, the target and the optimum."""
    data = [
        loss_contour(surface, contour_name),
    ]
    data += [
        _line(path["w"], path["b"], path["label"], color(index), line={"width": 2}) for index, path in enumerate(paths)
    ]
    ends = [
        (float(path["w"][-1]), float(path["b"][-1]), color(index)) for index, path in enumerate(paths) if len(path["w"])
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": "final (w, b)",
            "x": [end[0] for end in ends],
            "y": [end[1] for end in ends],
            "marker": {"size": 10, "color": [end[2] for end in ends], "line": {"color": "white", "width": 2}},
        }
    )
    data += [
        *landmarks(target, optimum),
    ]
    layout = _layout("Loss landscape", "w", "b", height=480, hovermode="closest")
    layout["xaxis"]["range"] = [float(surface["w"][0]), float(surface["w"][-1])]
    layout["yaxis"]["range"] = [float(surface["b"][0]), float(surface["b"][-1])]
    return {"data": data, "layout": layout}


def heatmap_figure(cells: pd.DataFrame, metric: str, log_scale: bool) -> Figure:
    """A sweep metric's cell means: x and y are two swept fields; log10 colours for the loss."""
    values = cells.to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.log10(values) if log_scale else values
    text = [["–" if np.isnan(value) else f"{value:.3g}" for value in row] for row in values]
    title = f"log10 {metric}" if log_scale else metric
    data = [
        {
            "type": "heatmap",
            "x": [str(x) for x in cells.columns],
            "y": [str(y) for y in cells.index],
            "z": np.where(np.isfinite(z), z, None).tolist(),
            "text": text,
            "texttemplate": "%{text}",
            "colorscale": "Viridis",
            "reversescale": True,
            "colorbar": {"title": {"text": title}, "thickness": 12},
            "hovertemplate": f"{cells.columns.name}=%{{x}}<br>{cells.index.name}=%{{y}}<br>{metric}=%{{text}}"
            "<extra></extra>",
        }
    ]
    layout = _layout(f"Mean {metric}", cells.columns.name, cells.index.name or "", height=380, hovermode="closest")
    layout["xaxis"]["type"] = layout["yaxis"]["type"] = "category"
    return {"data": data, "layout": layout}


def parallel_figure(frame: pd.DataFrame, fields: list[str], metric: str, log_scale: bool) -> Figure:
    """Parallel coordinates: each swept field, then the metric (coloured by it); text fields get category ticks."""
    dimensions = [_dimension(field, frame[field]) for field in fields]
    values = frame[metric].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        shown = np.log10(values) if log_scale else values
    finite = np.isfinite(shown)
    shown = np.where(finite, shown, shown[finite].max() + 1 if finite.any() else 0.0)  # none: above the rest
    name = f"log10 {metric}" if log_scale else metric
    dimensions.append({"label": f"{name} (top: none)", "values": shown.tolist()})
    data = [
        {
            "type": "parcoords",
            "dimensions": dimensions,
            "line": {
                "color": shown.tolist(),
                "colorscale": "Viridis",
                "reversescale": True,
                "showscale": True,
                "colorbar": {"title": {"text": name}, "thickness": 12},
            },
        }
    ]
    return {
        "data": data,
        "layout": {
            "height": 420,
            "margin": {"l": 70, "r": 70, "t": 60, "b": 30},
            "title": {"text": f"{metric} against the swept fields", "x": 0.02},
        },
    }


def _dimension(field: str, column: pd.Series) -> dict[str, Any]:
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values = column.to_numpy(dtype=np.float64)
        if field == "learning_rate" and (values > 0).all() and values.max() / values.min() >= 100:
            return {"label": "log10 lr", "values": np.log10(values).tolist()}
        return {"label": field, "values": values.tolist()}
    texts = [str(value) for value in column]
    categories = list(dict.fromkeys(texts))
    return {
        "label": field,
        "values": [categories.index(text) for text in texts],
        "tickvals": list(range(len(categories))),
        "ticktext": categories,
    }


def band_figure(bands: list[dict[str, Any]], quantity: str, log_y: bool = False) -> Figure:
    """Mean ± one standard deviation over seeds for each group of runs, a colour a group."""
    data = []
    for index, band in enumerate(bands):
        tint = _rgba(color(index), 0.2)
        upper, lower = band["mean"] + band["std"], band["mean"] - band["std"]
        if quantity == "loss" and log_y:
            lower = np.maximum(lower, band["mean"] * 1e-3)
        data += [
            _line(
                band["step"], upper, f"{band['label']} +1σ", tint, showlegend=False, hoverinfo="skip", line={"width": 0}
            ),
            _line(
                band["step"],
                lower,
                f"{band['label']} −1σ",
                tint,
                showlegend=False,
                hoverinfo="skip",
                line={"width": 0},
                fill="tonexty",
                fillcolor=tint,
            ),
            _line(band["step"], band["mean"], f"{band['label']} ({band['runs']} seeds)", color(index)),
        ]
    layout = _layout(f"{TITLES[quantity]}: mean ± std over seeds", "step", quantity, height=400)
    if quantity == "loss" and log_y:
        layout["yaxis"] = {"title": {"text": "loss (log)"}, "type": "log"}
    return {"data": data, "layout": layout}


def _rgba(hex_color: str, alpha: float) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"
