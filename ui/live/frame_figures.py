"""Pure figure builders for one live frame: plain data in, a Plotly figure dict out, cheap enough for every tick."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.regression.value_text import event_label
from ui.figures import COLORS, Figure, landmarks, loss_contour, packed

HEIGHT = 380


def _layout(title: str, revision: Any, x_title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title, "x": 0.02, "font": {"size": 15}},
        "uirevision": str(revision),
        "height": HEIGHT,
        "margin": {"l": 55, "r": 15, "t": 40, "b": 80},
        "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}},
        "legend": {"orientation": "h", "y": -0.22, "yanchor": "top", "x": 0, "xanchor": "left"},
        "meta": {"frame": extra.pop("frame", 0)},
        **extra,
    }


def event_marks(events: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """Vertical lines and labels at each event's step (for charts whose x axis is the step)."""
    shapes, notes = [], []
    for index, event in enumerate(events):
        x = event["step"]
        shapes.append(
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
        )
        notes.append(
            {
                "x": x,
                "xref": "x",
                "yref": "paper",
                "y": 1 - 0.07 * (index % 4),
                "text": event_label(event),
                "showarrow": False,
                "xanchor": "left",
                "font": {"size": 10, "color": COLORS["event"]},
                "bgcolor": "rgba(255,255,255,0.7)",
            }
        )
    return shapes, notes


def _line(x: Any, y: Any, name: str, color: str, **style: Any) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines",
        "x": packed(x),
        "y": packed(y),
        "name": name,
        "line": {"color": color, **style.pop("line", {})},
        **style,
    }


def trace_figure(view: dict[str, Any], revision: Any, frame: int = 0) -> Figure:
    """The tutorial's chart, live: w and b against step, dashed targets, titled 'Weight: …, Bias: …'."""
    config, series = view["config"], view["series"]
    end = max(int(view["total_steps"]), 1)
    data = [
        _line(series["w"]["step"], series["w"]["value"], "Weight", COLORS["w"]),
        _line(series["b"]["step"], series["b"]["value"], "Bias", COLORS["b"]),
        _line([0, end], [config["w_target"]] * 2, "w target", COLORS["w"], line={"dash": "dash", "width": 1}),
        _line([0, end], [config["b_target"]] * 2, "b target", COLORS["b"], line={"dash": "dash", "width": 1}),
    ]
    shapes, notes = event_marks(view["events"])
    title = f"Weight: {view['w']:.2f}, Bias: {view['b']:.2f}"
    return {
        "data": data,
        "layout": _layout(title, revision, "step", "value", shapes=shapes, annotations=notes, frame=frame),
    }


def loss_figure(view: dict[str, Any], revision: Any, log_scale: bool, smoothing: float, frame: int = 0) -> Figure:
    """Loss against step; the EMA on top when smoothing, with the raw line kept faint."""
    raw = view["series"]["loss"]
    smoothed = view.get("smoothed_loss") or {"step": [], "value": []}
    faint = smoothing > 0 and len(smoothed["step"]) > 0
    data = [_line(raw["step"], raw["value"], "loss", COLORS["loss"], opacity=0.25 if faint else 1.0)]
    if faint:
        data.append(_line(smoothed["step"], smoothed["value"], f"EMA {smoothing:g}", "#145214", line={"width": 2}))
    shapes, notes = event_marks(view["events"])
    axis = {"title": {"text": "loss (log)" if log_scale else "loss"}, "type": "log" if log_scale else "linear"}
    layout = _layout(
        f"Step loss: {view['loss']:.4g}", revision, "step", "loss", shapes=shapes, annotations=notes, frame=frame
    )
    layout["yaxis"] = axis
    return {"data": data, "layout": layout}


def data_figure(view: dict[str, Any], samples: dict[str, Any], revision: Any, frame: int = 0) -> Figure:
    """The samples, the target line, the current fit, and the samples the latest step used."""
    config = view["config"]
    xs = np.asarray(samples["x"])
    low, high = (float(xs.min()), float(xs.max())) if len(xs) else (-3.0, 3.0)
    ends = [low, high]
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": packed(samples["x"]),
            "y": packed(samples["y"]),
            "name": "samples",
            "marker": {"size": 4, "color": "rgba(31,119,180,0.35)"},
        },
        _line(
            ends,
            [config["w_target"] * v + config["b_target"] for v in ends],
            "target",
            COLORS["target"],
            line={"dash": "dash"},
        ),
        _line(ends, [view["w"] * v + view["b"] for v in ends], "current fit", "#d62728", line={"width": 3}),
        {
            "type": "scatter",
            "mode": "markers",
            "x": packed(view["batch"]["x"]),
            "y": packed(view["batch"]["y"]),
            "name": "this step's sample" if len(view["batch"]["x"]) == 1 else "this step's batch",
            "marker": {"size": 11, "color": "#d62728", "line": {"color": "white", "width": 1.5}},
        },
    ]
    notes = [
        {
            "xref": "paper",
            "yref": "paper",
            "x": 0.01,
            "y": 0.98 - 0.06 * i,
            "text": event_label(event),
            "showarrow": False,
            "xanchor": "left",
            "font": {"size": 10, "color": COLORS["event"]},
        }
        for i, event in enumerate(view["events"][-5:])
    ]
    title = f"Fit: y = {view['w']:.3f}·x + {view['b']:.3f}"
    return {"data": data, "layout": _layout(title, revision, "x", "y", annotations=notes, frame=frame)}


def landscape_figure(
    view: dict[str, Any], surface: dict[str, Any], revision: Any, frame: int = 0, contour_name: str = "mean loss"
) -> Figure:
    """Contours of log10 mean loss over (w, b) with the path so far, the current point, target and optimum."""
    config, path = view["config"], view["trajectory"]
    optimum = view["optimum"]
    data = [
        loss_contour(surface, contour_name),
        _line(path["w"], path["b"], "path", "white", line={"width": 2}),
        {
            "type": "scatter",
            "mode": "markers",
            "x": [view["w"]],
            "y": [view["b"]],
            "name": "now",
            "marker": {"size": 12, "color": "#d62728", "line": {"color": "white", "width": 2}},
        },
        *landmarks((config["w_target"], config["b_target"]), optimum),
    ]
    data.extend(_event_points(view["events"], path))
    layout = _layout("Loss landscape", revision, "w", "b", frame=frame)
    layout["xaxis"]["range"] = [float(surface["w"][0]), float(surface["w"][-1])]
    layout["yaxis"]["range"] = [float(surface["b"][0]), float(surface["b"][-1])]
    return {"data": data, "layout": layout}


def _event_points(events: list[dict[str, Any]], path: dict[str, Any]) -> list[dict[str, Any]]:
    """A labelled marker on the path where each change happened."""
    if not events or len(path["step"]) == 0:
        return []
    steps = np.asarray(path["step"])
    where = [min(int(np.searchsorted(steps, event["step"])), len(steps) - 1) for event in events]
    return [
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": "changes",
            "showlegend": False,
            "x": [float(path["w"][i]) for i in where],
            "y": [float(path["b"][i]) for i in where],
            "text": [event_label(event) for event in events],
            "textposition": "top right",
            "textfont": {"size": 10, "color": "white"},
            "marker": {"size": 8, "symbol": "diamond", "color": COLORS["event"]},
        }
    ]
