"""Pure figure builders for the picked runs' training: the overlays and small multiples of w, b and the loss.

Targets changed mid-run are step-wise lines, the changes themselves are markers (and, on one run's chart, dotted
lines with their labels), a smoothed loss is drawn over its faint raw line, and a given y range fixes the axes.
"""

from __future__ import annotations

from typing import Any

from ui.compare.run_figures import TITLES, base_layout, color, line_trace
from ui.figures import COLORS, Figure

RAW_OPACITY = 0.25
TARGET_LINE = {"dash": "dash", "width": 1}


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
            line_trace(
                longest["x"], longest["y"], _target_name(quantity, longest), COLORS["target"], line={"dash": "dash"}
            )
        ]
    return [
        line_trace(path["x"], path["y"], _target_name(quantity, path, item["label"]), color(index), line=TARGET_LINE)
        for index, (item, path) in enumerate(zip(series, paths))
    ]


def _raw_loss_line(item: dict[str, Any], name: str, line_color: str, **style: Any) -> list[dict[str, Any]]:
    """The unsmoothed loss, faint, behind its EMA (as the Live page draws it); nothing when not smoothing."""
    if item.get("raw_loss") is None:
        return []
    return [
        line_trace(
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
        line_trace(item["x"], item[quantity], item["label"], color(index), legendgroup=str(item["id"]))
        for index, item in enumerate(series)
    ]
    if quantity in ("w", "b"):
        data += _target_lines(series, quantity)
    data += [trace for index, item in enumerate(series) for trace in _event_markers(item, quantity, color(index))]
    layout = base_layout(TITLES[quantity], x_title, quantity)
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
        line_trace(item["x"], item["w"], "w", COLORS["w"]),
        line_trace(item["x"], item["b"], "b", COLORS["b"]),
        line_trace(w_path["x"], w_path["y"], "w*", COLORS["w"], line=TARGET_LINE),
        line_trace(b_path["x"], b_path["y"], "b*", COLORS["b"], line=TARGET_LINE),
        *_raw_loss_line(item, "loss", COLORS["loss"], yaxis="y2"),
        line_trace(item["x"], item["loss"], "loss", COLORS["loss"], yaxis="y2"),
        *_event_markers(item, "loss", COLORS["event"], yaxis="y2"),
    ]
    shapes, notes = event_lines(item)
    layout = base_layout(
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
