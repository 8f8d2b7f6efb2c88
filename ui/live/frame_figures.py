"""Pure figure builders for one live frame: plain data in, a Plotly figure dict out, cheap enough for every tick."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.regression.value_text import event_label
from ui.figures import COLORS, Figure, landmarks, linear_text, loss_contour, packed
from ui.live.convergence_mark import chart_events

HEIGHT = 360
NICE_STEPS = (1, 2, 5)
MIN_AXIS_END = 10
HEADROOM = 1.1
NEAR_FRACTION = 0.04  # events closer than this share of the axis share one label
MAX_STACKED = 3
LABEL_WIDTH = 0.35  # about how much of a step axis one label covers
LINE_HEIGHT = 0.06  # one label line, as a share of the chart's height
LABEL_BOX = (0.3, 0.08)  # on the landscape, changes closer than this share of its width and height share a label


def _layout(title: str, revision: Any, x_title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title, "x": 0.02, "font": {"size": 15}},
        "uirevision": str(revision),
        "height": HEIGHT,
        "margin": {"l": 55, "r": 15, "t": 34, "b": 80},
        "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}},
        "legend": {"orientation": "h", "y": -0.22, "yanchor": "top", "x": 0, "xanchor": "left"},
        "meta": {"frame": extra.pop("frame", 0), "step": extra.pop("step", 0)},
        **extra,
    }


def step_axis_end(steps_done: int, total_steps: int) -> int:
    """Where the step charts' x axes end: a round 1-2-5 number past the steps done, never past the planned end.

    Both step charts end here, so their event marks line up; it grows in a few jumps while a run plays (the curve
    grows into the space rather than pinned to the left edge of a 10M-step axis) and is the planned end when done.
    """
    want = max(MIN_AXIS_END, steps_done * HEADROOM)
    magnitude = 10 ** int(np.floor(np.log10(want)))
    nice = next(m * magnitude for m in (*NICE_STEPS, 10) if m * magnitude >= want)
    return int(max(steps_done, min(nice, max(total_steps, 1))))


def change_label(event: dict[str, Any]) -> str:
    """'lr 0.01→0.1 @ step 512', or in a race 'adam: lr 0.01→0.1 @ step 512' (the lane it touched first)."""
    return f"{event['lane']}: {event_label(event)}" if event.get("lane") else event_label(event)


def near_groups(events: list[dict[str, Any]], span: float) -> list[list[dict[str, Any]]]:
    """Events in step order, grouped while each lies within NEAR_FRACTION of span of its group's first."""
    groups: list[list[dict[str, Any]]] = []
    for event in sorted(events, key=lambda e: e["step"]):
        if groups and event["step"] - groups[-1][0]["step"] <= NEAR_FRACTION * span:
            groups[-1].append(event)
        else:
            groups.append([event])
    return groups


def group_label(group: list[dict[str, Any]]) -> str:
    """One label for events that share a step or lie close: 'lr 0.01→0.1 · bs 1→8 @ step 448', stacked by step."""
    by_step: dict[int, list[str]] = {}
    for event in group:
        by_step.setdefault(event["step"], []).append(change_label(event).rsplit(" @ step ", 1)[0])
    lines = [f"{' · '.join(parts)} @ step {step:,}" for step, parts in by_step.items()]
    if len(lines) > MAX_STACKED:
        hidden = sum(len(by_step[step]) for step in list(by_step)[MAX_STACKED - 1 :])
        lines = [*lines[: MAX_STACKED - 1], f"+{hidden} more, to step {group[-1]['step']:,}"]
    return "<br>".join(lines)


def label_heights(groups: list[list[dict[str, Any]]], labels: list[str], span: float) -> list[float]:
    """Where each group's label hangs (paper y of its top): below the labels just left of it, back to the top
    once it is clear of them, so stacked labels never overlap."""
    heights: list[float] = []
    placed: list[tuple[float, float]] = []  # (step, bottom) of labels that may still reach this one
    for group, label in zip(groups, labels):
        step = group[0]["step"]
        placed = [(x, bottom) for x, bottom in placed if step - x < LABEL_WIDTH * span]
        top = min([1.0, *(bottom for _, bottom in placed)])
        if top - LINE_HEIGHT * (label.count("<br>") + 1) < 0.3:
            top, placed = 1.0, []
        heights.append(top)
        placed.append((step, top - LINE_HEIGHT * (label.count("<br>") + 1)))
    return heights


def event_marks(events: list[dict[str, Any]], span: float = 0.0) -> tuple[list[dict], list[dict]]:
    """A dotted line at each changed step, and one label per group of changes lying close on an axis of span steps."""
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": step,
            "x1": step,
            "y0": 0,
            "y1": 1,
            "line": {"color": COLORS["event"], "width": 1, "dash": "dot"},
        }
        for step in sorted({event["step"] for event in events})
    ]
    groups = near_groups(events, span)
    labels = [group_label(group) for group in groups]
    notes = [
        {
            "x": group[0]["step"],
            "xref": "x",
            "yref": "paper",
            "y": y,
            "yanchor": "top",
            "text": label,
            "showarrow": False,
            "xanchor": "left",
            "align": "left",
            "font": {"size": 10, "color": COLORS["event"]},
            "bgcolor": "rgba(255,255,255,0.75)",
        }
        for group, label, y in zip(groups, labels, label_heights(groups, labels, span))
    ]
    return shapes, notes


def line_trace(x: Any, y: Any, name: str, color: str, **style: Any) -> dict[str, Any]:
    """A Plotly line trace of packed x and y; style's "line" dict joins the colour, the rest sets the trace."""
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
    end = step_axis_end(view["steps_done"], view["total_steps"])
    data = [
        line_trace(series["w"]["step"], series["w"]["value"], "Weight", COLORS["w"]),
        line_trace(series["b"]["step"], series["b"]["value"], "Bias", COLORS["b"]),
        line_trace([0, end], [config["w_target"]] * 2, "w target", COLORS["w"], line={"dash": "dash", "width": 1}),
        line_trace([0, end], [config["b_target"]] * 2, "b target", COLORS["b"], line={"dash": "dash", "width": 1}),
    ]
    shapes, notes = event_marks(chart_events(view), end)
    title = trace_title(view)
    return {
        "data": data,
        "layout": _layout(
            title, revision, "step", "value", shapes=shapes, annotations=notes, frame=frame, step=view["steps_done"]
        ),
    }


def trace_title(view: dict[str, Any]) -> str:
    """'Weight: 4.98, Bias: 2.99', as the tutorial titles its chart."""
    return f"Weight: {view['w']:.2f}, Bias: {view['b']:.2f}"


def loss_title(view: dict[str, Any]) -> str:
    """'Step loss: 0.0123': the latest step's own loss."""
    return f"Step loss: {view['loss']:.4g}"


def loss_figure(view: dict[str, Any], revision: Any, log_scale: bool, smoothing: float, frame: int = 0) -> Figure:
    """Loss against step; the EMA on top when smoothing, with the raw line kept faint."""
    raw = view["series"]["loss"]
    smoothed = view.get("smoothed_loss") or {"step": [], "value": []}
    faint = smoothing > 0 and len(smoothed["step"]) > 0
    data = [line_trace(raw["step"], raw["value"], "loss", COLORS["loss"], opacity=0.25 if faint else 1.0)]
    if faint:
        data.append(line_trace(smoothed["step"], smoothed["value"], f"EMA {smoothing:g}", "#145214", line={"width": 2}))
    end = step_axis_end(view["steps_done"], view["total_steps"])
    data.append(_axis_span(end, raw["value"]))
    shapes, notes = event_marks(chart_events(view), end)
    axis = {"title": {"text": "loss (log)" if log_scale else "loss"}, "type": "log" if log_scale else "linear"}
    layout = _layout(
        loss_title(view),
        revision,
        "step",
        "loss",
        shapes=shapes,
        annotations=notes,
        frame=frame,
        step=view["steps_done"],
    )
    layout["yaxis"] = axis
    return {"data": data, "layout": layout}


def _axis_span(end: int, values: Any) -> dict[str, Any]:
    """An invisible line from step 0 to end, so the loss chart's x axis spans what the w/b chart's does."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite) & (finite > 0)]
    level = float(finite.max()) if len(finite) else 1.0
    return {
        "type": "scatter",
        "mode": "lines",
        "x": [0, end],
        "y": [level, level],
        "name": "step axis",
        "showlegend": False,
        "hoverinfo": "skip",
        "line": {"width": 0},
    }


def data_figure(view: dict[str, Any], samples: dict[str, Any], revision: Any, frame: int = 0) -> Figure:
    """The samples, the target line, the current fit, and the samples the latest step used."""
    config = view["config"]
    ends = sample_ends(samples)
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": packed(samples["x"]),
            "y": packed(samples["y"]),
            "name": "samples",
            "marker": {"size": 4, "color": "rgba(31,119,180,0.35)"},
        },
        line_trace(
            ends,
            [config["w_target"] * v + config["b_target"] for v in ends],
            "target",
            COLORS["target"],
            line={"dash": "dash"},
        ),
        fit_line(view, ends),
        batch_markers(view),
    ]
    layout = _layout(
        fit_title(view), revision, "x", "y", annotations=data_notes(view), frame=frame, step=view["steps_done"]
    )
    return {"data": data, "layout": layout}


def sample_ends(samples: dict[str, Any]) -> list[float]:
    """The smallest and largest x of the samples (where the data chart's lines start and end)."""
    xs = np.asarray(samples["x"])
    return [float(xs.min()), float(xs.max())] if len(xs) else [-3.0, 3.0]


def fit_line(view: dict[str, Any], ends: list[float]) -> dict[str, Any]:
    """The current fit y = w·x + b across the data."""
    return line_trace(ends, [view["w"] * v + view["b"] for v in ends], "current fit", "#d62728", line={"width": 3})


def batch_markers(view: dict[str, Any]) -> dict[str, Any]:
    """The samples the latest step used."""
    return {
        "type": "scatter",
        "mode": "markers",
        "x": packed(view["batch"]["x"]),
        "y": packed(view["batch"]["y"]),
        "name": "this step's sample" if len(view["batch"]["x"]) == 1 else "this step's batch",
        "marker": {"size": 11, "color": "#d62728", "line": {"color": "white", "width": 1.5}},
    }


def fit_title(view: dict[str, Any]) -> str:
    """'Fit: y = 4.980·x + 2.990'."""
    return f"Fit: y = {linear_text(view['w'], view['b'])}"


def data_notes(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The last five changes, listed top left on the data chart."""
    return [
        {
            "xref": "paper",
            "yref": "paper",
            "x": 0.01,
            "y": 0.98 - 0.06 * i,
            "text": change_label(event),
            "showarrow": False,
            "xanchor": "left",
            "font": {"size": 10, "color": COLORS["event"]},
        }
        for i, event in enumerate(view["events"][-5:])
    ]


def landscape_figure(
    view: dict[str, Any], surface: dict[str, Any], revision: Any, frame: int = 0, contour_name: str = "mean loss"
) -> Figure:
    """Contours of log10 mean loss over (w, b) with the path so far, the current point, target and optimum."""
    config, path = view["config"], view["trajectory"]
    optimum = view["optimum"]
    data = [
        loss_contour(surface, contour_name),
        line_trace(path["w"], path["b"], "path", "white", line={"width": 2}),
        now_marker(view),
        *landmarks((config["w_target"], config["b_target"]), optimum),
    ]
    box = (float(surface["w"][0]), float(surface["w"][-1]), float(surface["b"][0]), float(surface["b"][-1]))
    data.extend(event_points(view["events"], path, box))
    layout = _layout("Loss landscape", revision, "w", "b", frame=frame, step=view["steps_done"])
    layout["xaxis"]["range"] = [float(surface["w"][0]), float(surface["w"][-1])]
    layout["yaxis"]["range"] = [float(surface["b"][0]), float(surface["b"][-1])]
    return {"data": data, "layout": layout}


def now_marker(view: dict[str, Any]) -> dict[str, Any]:
    """The current (w, b) on the landscape."""
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [view["w"]],
        "y": [view["b"]],
        "name": "now",
        "marker": {"size": 12, "color": "#d62728", "line": {"color": "white", "width": 2}},
    }


def event_points(events: list[dict[str, Any]], path: dict[str, Any], box: tuple[float, ...]) -> list[dict]:
    """A marker on the path where each change happened; changes whose labels would overlap share one label."""
    if not events or len(path["step"]) == 0:
        return []
    steps = np.asarray(path["step"])
    where = [min(int(np.searchsorted(steps, event["step"])), len(steps) - 1) for event in events]
    xs = [float(path["w"][i]) for i in where]
    ys = [float(path["b"][i]) for i in where]
    near_w, near_b = LABEL_BOX[0] * (box[1] - box[0]), LABEL_BOX[1] * (box[3] - box[2])
    texts: list[str] = [""] * len(events)
    groups: list[list[int]] = []
    for index in range(len(events)):
        for group in groups:
            if abs(xs[index] - xs[group[0]]) <= near_w and abs(ys[index] - ys[group[0]]) <= near_b:
                group.append(index)
                break
        else:
            groups.append([index])
    for group in groups:
        first = change_label(events[group[0]]).rsplit(" @ step ", 1)[0]  # the step is in the hover text
        texts[group[0]] = first if len(group) == 1 else f"{first} +{len(group) - 1}"
    return [
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": "changes",
            "showlegend": False,
            "x": xs,
            "y": ys,
            "text": texts,
            "hovertext": [change_label(event) for event in events],
            "hoverinfo": "text",
            "textposition": ["top left" if x > (box[0] + box[1]) / 2 else "top right" for x in xs],
            "textfont": {"size": 10, "color": "white"},
            "marker": {"size": 8, "symbol": "diamond", "color": COLORS["event"]},
        }
    ]
