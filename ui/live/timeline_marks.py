"""What a Timeline move changes on the four live charts, as small deltas: cursor lines, fit line, point, arrow.

Pure functions (view, the step's record and the surface in; feed deltas out, see ui/live/frame_deltas.py): no
series travels again, only these few parts, each set at its own path in the figure the browser holds (the cursor
goes after the chart's own shapes, the fit line and point change only their values), so a move is under 1 KB.
"""

from __future__ import annotations

import math
from typing import Any

from ui.figures import linear_text
from ui.live import frame_figures
from ui.live.convergence_mark import chart_events

Delta = dict[str, Any]
CURSOR_COLOR = "#9467bd"
ARROW_COLOR = "#ffdd57"
ARROW_SHARE = 0.18  # the gradient arrow's length, as a share of the landscape's diagonal


def _as_list(value: Any) -> list[float]:
    return value if isinstance(value, list) else [value]


def short(value: float) -> float:
    """A coordinate to 7 significant digits (a float32's), so the delta's JSON stays short."""
    return float(f"{value:.7g}")


def cursor_line(step: int) -> dict[str, Any]:
    """A solid vertical line at the Timeline's step on a step chart."""
    return {"type": "line", "yref": "paper", "x0": step, "x1": step, "y0": 0, "y1": 1, "line": {"color": CURSOR_COLOR}}


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
        "x": short(w - scale * grad_w),
        "y": short(b - scale * grad_b),
        "ax": short(w),
        "ay": short(b),
        "axref": "x",
        "ayref": "y",
        "text": "−∇L",
        "arrowhead": 3,
        "arrowwidth": 2.5,
        "arrowcolor": ARROW_COLOR,
        "font": {"color": ARROW_COLOR},
    }


def sample_markers(record: dict[str, Any]) -> dict[str, Any]:
    """The step's sample (or the batch's first rows) as a star, set into the data chart's marker trace (data.3,
    which the full figure draws for the latest step's samples): only its points, name and symbol change."""
    one = record["batch_size"] == 1
    return {
        "data.3.x": [short(x) for x in _as_list(record["x"])],
        "data.3.y": [short(y) for y in _as_list(record["y"])],
        "data.3.name": f"step {record['step']:,}'s sample" if one else f"step {record['step']:,}'s batch (first rows)",
        "data.3.marker.symbol": "star",
    }


def timeline_deltas(
    view: dict[str, Any], record: dict[str, Any], samples: dict[str, Any], surface: dict[str, Any] | None
) -> dict[str, Delta]:
    """Each chart's parts at the record's step: the cursor on the step charts, the fit and sample, point and arrow.

    The step charts' full figures hold their change marks as layout.shapes (frame_figures.event_marks over
    chart_events): the cursor is the shape after them. The data chart's fit line (data.2) keeps its x ends and
    takes new y values; the landscape's point (data.2) takes the trace's w and b at the step.
    """
    step = record["step"]
    end = frame_figures.step_axis_end(view["steps_done"], view["total_steps"])
    cursor = {f"layout.shapes.{len(frame_figures.event_marks(chart_events(view), end)[0])}": cursor_line(step)}
    then = at_step(view, record)
    ends = frame_figures.sample_ends(samples)
    deltas = {
        "trace_chart": {"append": [], "set": cursor},
        "loss_chart": {"append": [], "set": cursor},
        "data_chart": {
            "append": [],
            "set": {
                "data.2.y": [short(then["w"] * end + then["b"]) for end in ends],
                **sample_markers(record),
                "layout.title.text": f"Step {step:,}: y = {linear_text(then['w'], then['b'])}",
            },
        },
    }
    if surface is not None:
        deltas["landscape_chart"] = {
            "append": [],
            "set": {
                "data.2.x": [then["w"]],
                "data.2.y": [then["b"]],
                "layout.annotations": [gradient_arrow(record, surface)],
            },
        }
    return deltas


def feed_payload(stream: str, frame: int, deltas: dict[str, Delta]) -> dict[str, Any]:
    """A live_feed payload that only sets parts: no rows (an empty step column), no clock."""
    no_rows = {"dtype": "i4", "bdata": ""}
    return {"stream": stream, "frame": frame, "from": 0, "columns": {"step": no_rows}, "charts": deltas}
