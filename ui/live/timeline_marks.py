"""What a Timeline move changes on the four live charts, as small deltas: cursor lines, fit line, point, arrow.

Pure functions (view, the step's record and the surface in; feed deltas out, see ui/live/frame_deltas.py): no
series travels again, only these few parts.
"""

from __future__ import annotations

import math
from typing import Any

from ui.figures import linear_text, packed
from ui.live import frame_figures

Delta = dict[str, Any]
CURSOR_COLOR = "#9467bd"
ARROW_SHARE = 0.18  # the gradient arrow's length, as a share of the landscape's diagonal


def _as_list(value: Any) -> list[float]:
    return value if isinstance(value, list) else [value]


def cursor_line(step: int) -> dict[str, Any]:
    """A solid vertical line at the Timeline's step on a step chart."""
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": step,
        "x1": step,
        "y0": 0,
        "y1": 1,
        "name": "timeline",
        "line": {"color": CURSOR_COLOR, "width": 2},
    }


def at_step(view: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """The view as it stood after the record's step: its w and b (the trace at that step)."""
    return {**view, "w": record["w_after"], "b": record["b_after"]}


def gradient_arrow(record: dict[str, Any], surface: dict[str, Any]) -> dict[str, Any]:
    """An arrow along −∇L, from the point where the step took its gradient (w, b before it)."""
    w, b = record["w_before"], record["b_before"]
    grad_w, grad_b = record["grad_w"], record["grad_b"]
    width = float(surface["w"][-1]) - float(surface["w"][0])
    height = float(surface["b"][-1]) - float(surface["b"][0])
    # Scaled per axis, so the arrow points the way the step went on the chart's own scales.
    norm = math.hypot(grad_w / width, grad_b / height) if width > 0 and height > 0 else 0.0
    scale = ARROW_SHARE * math.sqrt(2) / norm if norm > 0 else 0.0
    return {
        "x": w - scale * grad_w,
        "y": b - scale * grad_b,
        "ax": w,
        "ay": b,
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "text": "−∇L",
        "showarrow": True,
        "arrowhead": 3,
        "arrowsize": 1.2,
        "arrowwidth": 2.5,
        "arrowcolor": "#ffdd57",
        "font": {"color": "#ffdd57", "size": 12},
        "xanchor": "left",
    }


def sample_markers(record: dict[str, Any]) -> dict[str, Any]:
    """The step's sample (or the batch's first rows), highlighted on the data chart."""
    one = record["batch_size"] == 1
    return {
        "type": "scatter",
        "mode": "markers",
        "x": packed(_as_list(record["x"])),
        "y": packed(_as_list(record["y"])),
        "name": f"step {record['step']:,}'s sample" if one else f"step {record['step']:,}'s batch (first rows)",
        "marker": {"size": 14, "color": CURSOR_COLOR, "symbol": "star", "line": {"color": "white", "width": 1.5}},
    }


def timeline_deltas(
    view: dict[str, Any], record: dict[str, Any], samples: dict[str, Any], surface: dict[str, Any] | None
) -> dict[str, Delta]:
    """Each chart's parts at the record's step: the cursor on the step charts, the fit and sample, point and arrow."""
    step = record["step"]
    end = frame_figures.step_axis_end(view["steps_done"], view["total_steps"])
    shapes, _ = frame_figures.event_marks(view["events"], end)
    then = at_step(view, record)
    deltas = {
        "trace_chart": {"append": [], "set": {"layout.shapes": [*shapes, cursor_line(step)]}},
        "loss_chart": {"append": [], "set": {"layout.shapes": [*shapes, cursor_line(step)]}},
        "data_chart": {
            "append": [],
            "set": {
                "data.2": frame_figures.fit_line(then, frame_figures.sample_ends(samples)),
                "data.3": sample_markers(record),
                "layout.title.text": f"Step {step:,}: y = {linear_text(then['w'], then['b'])}",
            },
        },
    }
    if surface is not None:
        deltas["landscape_chart"] = {
            "append": [],
            "set": {"data.2": frame_figures.now_marker(then), "layout.annotations": [gradient_arrow(record, surface)]},
        }
    return deltas


def feed_payload(stream: str, frame: int, deltas: dict[str, Delta]) -> dict[str, Any]:
    """A live_feed payload that only sets parts: no rows (an empty step column), no clock."""
    no_rows = {"dtype": "i4", "bdata": ""}
    return {"stream": stream, "frame": frame, "from": 0, "columns": {"step": no_rows}, "charts": deltas}
