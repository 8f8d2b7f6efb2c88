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


def data_versions(samples: dict[str, Any]) -> list[dict[str, Any]]:
    """The run's data versions (core.store.stored_inspect.data_versions), or the one the samples are."""
    return samples.get("versions") or [{"from_step": 0, **samples}]


def version_at(versions: list[dict[str, Any]], step: int) -> int:
    """Which data version the step trained on (the first one for steps before the earliest kept)."""
    return max([index for index, version in enumerate(versions) if version["from_step"] <= step] or [0])


def _sample_traces(versions: list[dict[str, Any]]) -> list[int]:
    """Where each version's samples are in the figure: data.0 for the first, after the four marks for the rest."""
    return [0] + [4 + index for index in range(len(versions) - 1)]


def _samples_trace(version: dict[str, Any], visible: bool, name: str = "samples") -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "markers",
        "x": packed(version["x"]),
        "y": packed(version["y"]),
        "name": name,
        "visible": visible,
        "marker": {"size": 4, "color": SAMPLE_COLOR},
    }


def data_figure(run: dict[str, Any], samples: dict[str, Any], points: Any, step: int) -> dict[str, Any]:
    """The samples of the data the step trained on (data.0 for the first data version, data.4 on for later ones:
    one shown at a time), that data's target line (data.1), the fit at the step (data.2) and the step's sample
    (data.3, set by the first move's delta): as the Live page's data chart draws them."""
    versions = data_versions(samples)
    shown = version_at(versions, step)
    version = versions[shown]
    ends = sample_ends(version)
    at = _at(points, step)
    w, b = (float(at["w"].iloc[0]), float(at["b"].iloc[0])) if len(at) else (0.0, 0.0)
    target = [version["w_target"] * end + version["b_target"] for end in ends]
    data = [
        _samples_trace(versions[0], shown == 0),
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
    data += [
        _samples_trace(later, shown == index, f"samples from step {later['from_step']:,}")
        for index, later in enumerate(versions[1:], start=1)
    ]
    axes = {"xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}}}
    return {"data": data, "layout": _layout(run, f"Step {step:,}: y = {linear_text(w, b)}", **axes)}


def _data_deltas(record: dict[str, Any], samples: dict[str, Any]) -> dict[str, Any]:
    """The data chart's parts a move sets: the fit, the sample and title; with several data versions, which one
    is shown and its target line too."""
    versions = data_versions(samples)
    shown = version_at(versions, record["step"])
    version = versions[shown]
    ends = sample_ends(version)
    w, b = record["w_after"], record["b_after"]
    parts = {
        "data.2.y": [short(w * end + b) for end in ends],
        **sample_markers(record),
        "layout.title.text": f"Step {record['step']:,}: y = {linear_text(w, b)}",
    }
    if len(versions) > 1:
        parts["data.1.x"] = parts["data.2.x"] = [short(end) for end in ends]
        parts["data.1.y"] = [short(version["w_target"] * end + version["b_target"]) for end in ends]
        for index, trace in enumerate(_sample_traces(versions)):
            parts[f"data.{trace}.visible"] = index == shown
    return parts


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


def stored_deltas(record: dict[str, Any], points: Any, samples: dict[str, Any] | None) -> dict[str, Any]:
    """The parts a move changes: the cursor (shape 0) on both step charts, the data chart's parts (_data_deltas)
    when it is drawn (samples given), the point (data.1) and arrow on the path."""
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
    if samples is not None:
        deltas[DATA_KEY] = {"append": [], "set": _data_deltas(record, samples)}
    return deltas
