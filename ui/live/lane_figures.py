"""A race on the live charts: every lane's traces added to the four figures, and each tick's rows for them.

The first lane keeps the traces a single run draws (recoloured and named after its lane); each other lane's
traces follow the figure's own, at offsets recorded by the full draw so the ticks' deltas find them. A tick's
rows arrive on one shared step column with a column per lane and value ("w3", "b3", "loss3": see
core.race.lane_views), so every lane rides on the same incremental update as a single run.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.live import feed_state, frame_figures
from ui.live.frame_figures import line_trace

OFFSETS_KEY = "live_lane_offsets"  # per chart: the index of its second lane's first trace
SMALL_MULTIPLES_KEY = "race_small_multiples"  # the sidebar switch: one column per lane on the step charts
GAP = 0.02  # between small multiples, as a share of the chart's width
LEGEND_ROW_PX = 19  # one row of a chart's legend
LEGEND_PER_ROW = 2  # lane names a legend row holds in a half-width chart (fewer rows drawn leave a small gap)
UNDER_PLOT_PX = 56  # under the plot, above the legend: the x axis's tick labels and title


def _recolour(trace: dict[str, Any], name: str, colour: str) -> None:
    trace["name"] = name
    trace.setdefault("line", {})["color"] = colour
    if "marker" in trace:
        trace["marker"] = {**trace["marker"], "color": colour}


def fit(lane: dict[str, Any], ends: list[float]) -> dict[str, Any]:
    """A lane's current line y = w·x + b across the data."""
    ys = [lane["w"] * v + lane["b"] for v in ends]
    return line_trace(ends, ys, f"fit · {lane['label']}", lane["colour"], line={"width": 2})


def now(lane: dict[str, Any]) -> dict[str, Any]:
    """A lane's current (w, b) on the landscape."""
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [lane["w"]],
        "y": [lane["b"]],
        "name": f"now · {lane['label']}",
        "showlegend": False,
        "marker": {"size": 11, "color": lane["colour"], "line": {"color": "white", "width": 2}},
    }


def lane_changes(lane: dict[str, Any], path: dict[str, Any], box: tuple[float, ...]) -> list[dict[str, Any]]:
    """A lane's changes marked on its own landscape path, in its colour, each named with the lane."""
    events = [{**event, "lane": lane["label"]} for event in lane["events"]]
    marks = frame_figures.event_points(events, path, box)
    for mark in marks:
        mark.update(name=f"changes · {lane['label']}", marker={**mark["marker"], "color": lane["colour"]})
    return marks


def _landscape_box(figure: dict[str, Any]) -> tuple[float, ...]:
    layout = figure["layout"]
    return (*layout["xaxis"]["range"], *layout["yaxis"]["range"])


def add_lanes(figures: dict[str, dict[str, Any]], view: dict[str, Any], samples: dict[str, Any]) -> None:
    """Put every lane on the full figures (in place) and record where the other lanes' traces start."""
    lanes, series = view["lanes"], view["lane_series"]
    first = lanes[0]
    if "landscape_chart" in figures:  # every lane's changes go on its own path: the first lane's here, in place
        land = figures["landscape_chart"]["data"]
        if land and land[-1].get("name") == "changes":  # the single run's marks held every lane's changes
            land.pop()
        land.extend(lane_changes(first, view["trajectory"], _landscape_box(figures["landscape_chart"])))
    offsets = {key: len(figure["data"]) for key, figure in figures.items()}
    trace, loss = figures["trace_chart"]["data"], figures["loss_chart"]["data"]
    _recolour(trace[0], f"w · {first['label']}", first["colour"])
    _recolour(trace[1], f"b · {first['label']}", first["colour"])
    trace[1]["line"]["dash"] = "dot"
    _recolour(loss[0], f"loss · {first['label']}", first["colour"])
    smoothed = smoothed_lanes(series)
    if smoothed:  # the first lane's EMA is the figure's own second trace
        _recolour(loss[1], f"EMA · {first['label']}", first["colour"])
    for lane, drawn in zip(lanes[1:], series[1:]):
        lines = drawn["series"]
        label, colour = lane["label"], lane["colour"]
        trace.append(line_trace(lines["w"]["step"], lines["w"]["value"], f"w · {label}", colour))
        trace.append(line_trace(lines["b"]["step"], lines["b"]["value"], f"b · {label}", colour, line={"dash": "dot"}))
        raw = lines["loss"]
        loss.append(line_trace(raw["step"], raw["value"], f"loss · {label}", colour, opacity=0.25 if smoothed else 1.0))
        if smoothed:  # each lane's EMA over its faint raw loss, as a single run draws it
            ema = drawn["ema"]
            loss.append(line_trace(ema["step"], ema["value"], f"EMA · {label}", colour, line={"width": 2}))
    ends = frame_figures.sample_ends(samples)
    data = figures["data_chart"]["data"]
    data[2] = fit(first, ends)
    data.extend(fit(lane, ends) for lane in lanes[1:])
    if "landscape_chart" in figures:
        land = figures["landscape_chart"]["data"]
        _recolour(land[1], f"path · {first['label']}", first["colour"])
        land[2] = now(first)
        for lane, drawn in zip(lanes[1:], series[1:]):
            path = drawn["trajectory"]
            land.append(line_trace(path["w"], path["b"], f"path · {lane['label']}", lane["colour"], line={"width": 2}))
            land.append(now(lane))
        box = _landscape_box(figures["landscape_chart"])
        for lane, drawn in zip(lanes[1:], series[1:]):  # after every lane's path, so the ticks' indices stay
            land.extend(lane_changes(lane, drawn["trajectory"], box))
    feed_state.current()[OFFSETS_KEY] = offsets
    for figure in figures.values():
        legend_below(figure)
    if st.session_state.get(SMALL_MULTIPLES_KEY):
        for key in ("trace_chart", "loss_chart"):
            small_multiples(figures[key], offsets[key], len(lanes), 2 if key == "trace_chart" or smoothed else 1)


def legend_below(figure: dict[str, Any]) -> None:
    """A race's long legend goes to the bottom of the figure, under the x axis's title, and the figure grows by its
    rows (in place): placed under the plot as a share of its height, it met the title once its rows shrank the
    plot."""
    entries = sum(1 for trace in figure["data"] if trace.get("name") and trace.get("showlegend", True))
    rows = -(-entries // LEGEND_PER_ROW)
    layout = figure["layout"]
    layout["legend"] = {**layout.get("legend", {}), "yref": "container", "y": 0, "yanchor": "bottom"}
    layout["height"] = frame_figures.HEIGHT + rows * LEGEND_ROW_PX
    layout["margin"] = {**layout.get("margin", {}), "b": UNDER_PLOT_PX + rows * LEGEND_ROW_PX}


def smoothed_lanes(series: list[dict[str, Any]]) -> bool:
    """Whether the lanes' loss is smoothed (the engine sent each lane's EMA)."""
    return bool(series) and "ema" in series[0]


def small_multiples(figure: dict[str, Any], offset: int, lanes: int, per_lane: int) -> None:
    """One column per lane, sharing the step and value axes: lane i's traces move to x axis i + 1 (in place).

    Only the layout and each trace's axis change, so the ticks' deltas (by trace index) are the same.
    """
    width = (1 - GAP * (lanes - 1)) / lanes
    layout = figure["layout"]
    for lane in range(lanes):
        low = lane * (width + GAP)
        axis = {**layout.get("xaxis", {}), "domain": [low, low + width]}
        if lane:
            axis.update(matches="x", anchor="y")
            axis.pop("title", None)
            layout[f"xaxis{lane + 1}"] = axis
            first = offset + per_lane * (lane - 1)
            for trace in figure["data"][first : first + per_lane]:
                trace["xaxis"] = f"x{lane + 1}"
        else:
            layout["xaxis"] = axis
    layout["showlegend"] = True


def lane_deltas(deltas: dict[str, dict[str, Any]], view: dict[str, Any], samples: dict[str, Any]) -> None:
    """Each tick's deltas (in place) for every lane: rows from the lane columns, markers and fit lines set."""
    lanes = view["lanes"]
    offsets = feed_state.current().get(OFFSETS_KEY, {})
    others = list(enumerate(lanes))[1:]
    if "trace_chart" in offsets:
        base = offsets["trace_chart"]
        deltas["trace_chart"]["append"] = [[0, "step", "w0"], [1, "step", "b0"]] + [
            entry
            for i, _ in others
            for entry in ([base + 2 * (i - 1), "step", f"w{i}"], [base + 2 * (i - 1) + 1, "step", f"b{i}"])
        ]
    if "loss_chart" in offsets:
        base = offsets["loss_chart"]
        if "ema0" in view.get("new", {}):  # smoothing: each lane has its raw loss and its EMA
            deltas["loss_chart"]["append"] = [[0, "step", "loss0"], [1, "step", "ema0"]] + [
                entry
                for i, _ in others
                for entry in ([base + 2 * (i - 1), "step", f"loss{i}"], [base + 2 * (i - 1) + 1, "step", f"ema{i}"])
            ]
        else:
            deltas["loss_chart"]["append"] = [[0, "step", "loss0"]] + [
                [base + i - 1, "step", f"loss{i}"] for i, _ in others
            ]
    if "data_chart" in offsets:
        ends = frame_figures.sample_ends(samples)
        parts = deltas["data_chart"]["set"]
        parts["data.2"] = fit(lanes[0], ends)
        parts.update({f"data.{offsets['data_chart'] + i - 1}": fit(lane, ends) for i, lane in others})
    if "landscape_chart" in offsets and "landscape_chart" in deltas:
        base = offsets["landscape_chart"]
        deltas["landscape_chart"]["append"] = [[1, "w0", "b0"]] + [
            [base + 2 * (i - 1), f"w{i}", f"b{i}"] for i, _ in others
        ]
        parts = deltas["landscape_chart"]["set"]
        parts["data.2"] = now(lanes[0])
        parts.update({f"data.{base + 2 * (i - 1) + 1}": now(lane) for i, lane in others})
