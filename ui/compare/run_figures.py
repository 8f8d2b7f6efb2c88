"""Pure figure builders for the Compare page: the run colours and shared layout, the landscape and sweep charts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ui.figures import Figure, landmarks, loss_contour, packed

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


def color(index: int) -> str:
    """The index-th run colour (the palette repeats after ten runs)."""
    return PALETTE[index % len(PALETTE)]


def base_layout(title: str, x_title: str, y_title: str, height: int = HEIGHT, **extra: Any) -> dict[str, Any]:
    """The Compare charts' layout: a small title, axis titles, the legend below, unified hover."""
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


def line_trace(x: Any, y: Any, name: str, line_color: str, **style: Any) -> dict[str, Any]:
    """A line trace with packed arrays; style may add to the line (line={...}) and set any trace key."""
    return {
        "type": "scatter",
        "mode": "lines",
        "x": packed(x),
        "y": packed(y),
        "name": name,
        "line": {"color": line_color, **style.pop("line", {})},
        **style,
    }


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
        line_trace(path["w"], path["b"], path["label"], color(index), line={"width": 2})
        for index, path in enumerate(paths)
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
    layout = base_layout("Loss landscape", "w", "b", height=480, hovermode="closest")
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
    layout = base_layout(f"Mean {metric}", cells.columns.name, cells.index.name or "", height=380, hovermode="closest")
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
            line_trace(
                band["step"], upper, f"{band['label']} +1σ", tint, showlegend=False, hoverinfo="skip", line={"width": 0}
            ),
            line_trace(
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
            line_trace(band["step"], band["mean"], f"{band['label']} ({band['runs']} seeds)", color(index)),
        ]
    layout = base_layout(f"{TITLES[quantity]}: mean ± std over seeds", "step", quantity, height=400)
    if quantity == "loss" and log_y:
        layout["yaxis"] = {"title": {"text": "loss (log)"}, "type": "log"}
    return {"data": data, "layout": layout}


def _rgba(hex_color: str, alpha: float) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"
