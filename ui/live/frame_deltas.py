"""Per-tick chart deltas for the live feed: the rows new since the browser's last step, and the parts that changed.

A full script run draws whole figures (frame_figures); each tick after it sends, per chart, a ``Delta``:
``append`` lists [trace index, x column, y column] whose new rows the browser appends to that trace, and
``set`` maps a path into the figure ("data.2.x", "layout.title") to its new value. The rows travel once per
tick as shared ``columns`` (step, w, b, loss and the EMA), packed as typed arrays. ui/live/feed_stream.py drops
the parts the browser already holds.
"""

from __future__ import annotations

from typing import Any

from ui.figures import loss_contour, packed
from ui.live import frame_figures
from ui.live.convergence_mark import chart_events

Delta = dict[str, Any]
COLUMNS = ("step", "w", "b", "loss", "ema")


def columns(new: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The tick's new rows as typed arrays (step as int32, values as float32), each sent once for all charts; a
    race's rows come per lane ("w0", "b3", "loss5": ui/live/lane_figures.py)."""
    return {name: packed(values) for name, values in new.items() if name in COLUMNS or name[-1:].isdigit()}


def trace_delta(view: dict[str, Any]) -> Delta:
    """w and b grow; the target lines follow the step axis; title and change marks."""
    end = frame_figures.step_axis_end(view["steps_done"], view["total_steps"])
    shapes, notes = frame_figures.event_marks(chart_events(view), end)
    return {
        "append": [[0, "step", "w"], [1, "step", "b"]],
        "set": {
            "data.2.x": [0, end],
            "data.3.x": [0, end],
            "layout.title.text": frame_figures.trace_title(view),
            "layout.shapes": shapes,
            "layout.annotations": notes,
        },
    }


def loss_delta(view: dict[str, Any], smoothing: float) -> Delta:
    """The loss (and its EMA, when smoothing) grows; the invisible span follows the step axis."""
    end = frame_figures.step_axis_end(view["steps_done"], view["total_steps"])
    shapes, notes = frame_figures.event_marks(chart_events(view), end)
    faint = smoothing > 0
    return {
        "append": [[0, "step", "loss"], *([[1, "step", "ema"]] if faint else [])],
        "set": {
            f"data.{2 if faint else 1}.x": [0, end],
            "layout.title.text": frame_figures.loss_title(view),
            "layout.shapes": shapes,
            "layout.annotations": notes,
        },
    }


def data_delta(view: dict[str, Any], samples: dict[str, Any], new_samples: bool = False) -> Delta:
    """The fit line and this step's samples move; the scatter of all samples only when the data changed."""
    ends = frame_figures.sample_ends(samples)
    parts: dict[str, Any] = {
        "data.2": frame_figures.fit_line(view, ends),
        "data.3": frame_figures.batch_markers(view),
        "layout.title.text": frame_figures.fit_title(view),
        "layout.annotations": frame_figures.data_notes(view),
    }
    if new_samples:
        parts.update({"data.0.x": packed(samples["x"]), "data.0.y": packed(samples["y"])})
    return {"append": [], "set": parts}


def landscape_delta(view: dict[str, Any], surface: dict[str, Any], contour: dict[str, Any] | None = None) -> Delta:
    """The path grows and the current point moves; the contours and ranges are sent only when they changed.

    contour: the surface's contour trace, if the caller keeps it (building it costs a third of a millisecond).
    """
    parts = {
        "data.0": contour if contour is not None else loss_contour(surface, "mean loss"),
        "data.2": frame_figures.now_marker(view),
        "layout.xaxis.range": [float(surface["w"][0]), float(surface["w"][-1])],
        "layout.yaxis.range": [float(surface["b"][0]), float(surface["b"][-1])],
    }
    return {"append": [[1, "w", "b"]], "set": parts}
