"""Compare's stored-run charts for the Timeline: w/b and loss over the steps, the data and fit, the (w, b) path.

Full figures are drawn by full runs; a Timeline move sends stored_deltas only: the cursor on the two step charts,
the fit line's y values and the step's sample on the data chart, the point and −∇L arrow on the path, each set at
its own path in the figure the browser holds (no series again).
"""

from __future__ import annotations

from typing import Any

from ui.figures import COLORS, linear_text, packed
from ui.live.frame_figures import line_trace, sample_ends
from ui.live.timeline_marks import CURSOR_COLOR, cursor_line, sample_markers, short

TRACE_KEY, LOSS_KEY = "stored_trace_chart", "stored_loss_chart"
DATA_KEY, PATH_KEY = "stored_data_chart", "stored_path_chart"
SAMPLE_COLOR = "rgba(31,119,180,0.35)"


def chart_stream(run: dict[str, Any]) -> str:
    """The "uirevision/frame" the run's live charts carry, which the Timeline's deltas name."""
    return f"stored-{run['id']}-{run['steps']}/0"


def _layout(run: dict[str, Any], title: str, **extra: Any) -> dict[str, Any]:
    uirevision = chart_stream(run).rsplit("/", 1)[0]
    return {
        "title": {"text": title},
        "height": 320,
        "uirevision": uirevision,  # zoom and pan are kept across moves and redraws
        "meta": {"frame": 0, "step": 0},
        "margin": {"t": 40},
        **extra,
    }


def _at(points: Any, step: int) -> Any:
    """The stored point at the step, or the last one before it where the points are downsampled."""
    return points[points["step"] <= step].tail(1)


def trace_figure(run: dict[str, Any], points: Any, step: int) -> dict[str, Any]:
    """w and b over the steps, with the Timeline's cursor as its one shape."""
    data = [
        {"type": "scatter", "mode": "lines", "x": packed(points["step"]), "y": packed(points["w"]), "name": "Weight"},
        {"type": "scatter", "mode": "lines", "x": packed(points["step"]), "y": packed(points["b"]), "name": "Bias"},
    ]
    layout = _layout(run, "w and b over the steps", shapes=[cursor_line(step)], xaxis={"title": {"text": "step"}})
    return {"data": data, "layout": layout}


def loss_figure(run: dict[str, Any], points: Any, step: int) -> dict[str, Any]:
    """The stored loss over the steps (a log axis when every loss is positive), the cursor its one shape."""
    loss = points["loss"]
    positive = bool(len(loss)) and bool((loss > 0).all())
    data = [line_trace(points["step"], loss, "loss", COLORS["loss"])]
    axes = {
        "xaxis": {"title": {"text": "step"}},
        "yaxis": {"title": {"text": "loss"}, **({"type": "log"} if positive else {})},
    }
    return {"data": data, "layout": _layout(run, "Loss over the steps", shapes=[cursor_line(step)], **axes)}


def data_figure(run: dict[str, Any], samples: dict[str, Any], points: Any, step: int) -> dict[str, Any]:
    """The run's samples (data.0), its target line (data.1), the fit at the step (data.2) and the step's sample
    (data.3, set by the first move's delta): as the Live page's data chart draws them."""
    ends = sample_ends(samples)
    at = _at(points, step)
    w, b = (float(at["w"].iloc[0]), float(at["b"].iloc[0])) if len(at) else (0.0, 0.0)
    target = [samples["w_target"] * end + samples["b_target"] for end in ends]
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": packed(samples["x"]),
            "y": packed(samples["y"]),
            "name": "samples",
            "marker": {"size": 4, "color": SAMPLE_COLOR},
        },
        line_trace(ends, target, "target", COLORS["target"], line={"dash": "dash"}),
        line_trace(ends, [w * end + b for end in ends], "fit at the step", "#d62728", line={"width": 3}),
        {
            "type": "scatter",
            "mode": "markers",
            "x": [],
            "y": [],
            "name": "the step's sample",
            "marker": {"size": 11, "color": "#d62728", "symbol": "star", "line": {"color": "white", "width": 1.5}},
        },
    ]
    axes = {"xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}}}
    return {"data": data, "layout": _layout(run, f"Step {step:,}: y = {linear_text(w, b)}", **axes)}


def path_figure(run: dict[str, Any], points: Any, step: int) -> dict[str, Any]:
    """The (w, b) path, with the point at the Timeline's step (data.1); the −∇L arrow comes with the deltas."""
    at = _at(points, step)
    data = [
        {"type": "scatter", "mode": "lines", "x": packed(points["w"]), "y": packed(points["b"]), "name": "path"},
        {
            "type": "scatter",
            "mode": "markers",
            "x": [float(v) for v in at["w"]],
            "y": [float(v) for v in at["b"]],
            "name": "at step",
            "marker": {"size": 12, "color": "#d62728"},
        },
    ]
    axes = {"xaxis": {"title": {"text": "w"}}, "yaxis": {"title": {"text": "b"}}}
    return {"data": data, "layout": _layout(run, "(w, b) path", **axes)}


def gradient_arrow(record: dict[str, Any], points: Any) -> dict[str, Any]:
    """An arrow along −∇L from where the step took its gradient, a fifth of the path's extent long."""
    width = max(float(points["w"].max() - points["w"].min()), 1e-6)
    height = max(float(points["b"].max() - points["b"].min()), 1e-6)
    norm = ((record["grad_w"] / width) ** 2 + (record["grad_b"] / height) ** 2) ** 0.5
    scale = 0.2 / norm if norm > 0 else 0.0
    return {
        "x": short(record["w_before"] - scale * record["grad_w"]),
        "y": short(record["b_before"] - scale * record["grad_b"]),
        "ax": short(record["w_before"]),
        "ay": short(record["b_before"]),
        "axref": "x",
        "ayref": "y",
        "text": "−∇L",
        "arrowhead": 3,
        "arrowwidth": 2.5,
        "arrowcolor": CURSOR_COLOR,
    }


def stored_deltas(record: dict[str, Any], points: Any, ends: list[float] | None) -> dict[str, Any]:
    """The parts a move changes: the cursor (shape 0) on both step charts, the fit (data.2's y at the data's x
    ends) and sample (data.3) when the data chart is drawn (ends given), the point (data.1) and arrow on the path."""
    cursor = {"layout.shapes.0": cursor_line(record["step"])}
    w, b = record["w_after"], record["b_after"]
    deltas = {
        TRACE_KEY: {"append": [], "set": cursor},
        LOSS_KEY: {"append": [], "set": cursor},
        PATH_KEY: {
            "append": [],
            "set": {"data.1.x": [w], "data.1.y": [b], "layout.annotations": [gradient_arrow(record, points)]},
        },
    }
    if ends is not None:
        fit = {
            "data.2.y": [short(w * end + b) for end in ends],
            **sample_markers(record),
            "layout.title.text": f"Step {record['step']:,}: y = {linear_text(w, b)}",
        }
        deltas[DATA_KEY] = {"append": [], "set": fit}
    return deltas
