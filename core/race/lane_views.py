"""What the live page draws of a race beyond its first lane: each lane's summary and its new rows, step-aligned."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.race.labels import lane_colour
from core.race.race import Race
from core.regression import live_view
from core.regression.downsample import joint_indices
from core.regression.smoothing import EmaCache

LANE_DELTA_POINTS = 200  # rows per update for all lanes together, shared as evenly as the lanes allow
MIN_LANE_ROWS = 25
LANE_COLUMNS = ("w", "b", "loss")


def column_name(name: str, index: int) -> str:
    """A lane's column in a tick's shared columns: "w3", "b3", "loss3"."""
    return f"{name}{index}"


def lane_summary(race: Race, index: int) -> dict[str, Any]:
    """One lane's row of the lanes table and what its markers need."""
    lane = race.lanes[index]
    return {
        "index": index,
        "label": lane.label,
        "colour": lane_colour(index),
        "overrides": dict(race.specs[index].overrides),
        "backend": lane.backend,
        "optimizer": lane.config.optimizer,
        "learning_rate": lane.config.learning_rate,
        "batch_size": lane.config.batch_size,
        "loss_name": lane.config.loss,
        "w": lane.w,
        "b": lane.b,
        "loss": live_view.data_mean_loss(lane),
        "step_loss": float(lane.trace_column("loss")[-1]),
        "steps_done": lane.steps_done,
        "total_steps": lane.total_steps,
        "status": lane.status,
        "message": lane.message,
        "converged_step": lane.converged_step,
        "steps_per_s": race.rates[index],
        "events": [event._asdict() for event in lane.events],
    }


def lane_series(race: Race, max_points: int, smoothing: float = 0.0, caches: RaceExtent | None = None) -> list[dict]:
    """Every lane's whole series, downsampled (w, b, loss by step, and its (w, b) path) for a full draw; with
    smoothing, each lane's loss EMA too."""
    per_lane = max(MIN_LANE_ROWS * 4, max_points // len(race.lanes))
    drawn = []
    for lane in race.lanes:
        lines = {"series": live_view.series(lane, per_lane), "trajectory": live_view.trajectory(lane, per_lane)}
        if smoothing > 0 and caches is not None:
            lines["ema"] = live_view.smoothed_loss(lane, caches.ema(lane), smoothing, per_lane)
        drawn.append(lines)
    return drawn


def lane_rows(race: Race, since: int, smoothing: float = 0.0, caches: RaceExtent | None = None) -> dict[str, Any]:
    """Every lane's rows after step since on one step column, downsampled together; a lane with no row at a step
    has NaN there (a lane that stopped), so each chart trace appends from the same shared columns. With smoothing,
    each lane's loss EMA rides along ("ema3")."""
    lanes = race.lanes
    firsts = [int(np.searchsorted(lane.trace_column("step"), since, side="right")) for lane in lanes]
    longest = max(range(len(lanes)), key=lambda i: len(lanes[i].trace_column("step")) - firsts[i])
    steps = lanes[longest].trace_column("step")[firsts[longest] :]
    columns: dict[str, np.ndarray] = {}
    for index, (lane, first) in enumerate(zip(lanes, firsts)):
        own_steps = lane.trace_column("step")[first:]
        in_step = len(own_steps) == len(steps) and (not len(steps) or own_steps[0] == steps[0])
        if not in_step:  # a lane that stopped, or one behind: place its rows by step
            places = np.searchsorted(steps, own_steps)
            fits = places < len(steps)
        values_of = {name: lane.trace_column(name)[first:] for name in LANE_COLUMNS}
        if smoothing > 0 and caches is not None:
            values_of["ema"] = caches.ema(lane).update(lane.trace_column("loss"), 1.0 - smoothing)[first:]
        for name, own in values_of.items():
            if in_step:  # the usual case: the lane has a row at every step (steps are consecutive)
                columns[column_name(name, index)] = own.astype(np.float32)
                continue
            values = np.full(len(steps), np.nan, np.float32)
            values[places[fits]] = own[fits]
            columns[column_name(name, index)] = values
    budget = max(MIN_LANE_ROWS, LANE_DELTA_POINTS // len(lanes))
    keep = joint_indices(list(columns.values()), budget) if len(steps) > budget else slice(None)
    rows: dict[str, Any] = {"from": int(since), "step": steps[keep]}
    rows.update({name: values[keep] for name, values in columns.items()})
    return rows


class RaceExtent:
    """Every lane's (w, b) extent, so the shared landscape holds all the lanes' paths (read as a PathExtent), and
    each lane's loss EMA, extended as its rows arrive."""

    def __init__(self, race: Race) -> None:
        self.race = race
        self.extents: dict[int, live_view.PathExtent] = {}
        self.emas: dict[int, EmaCache] = {}

    def ema(self, lane: Any) -> EmaCache:
        """The lane's EMA cache."""
        return self.emas.setdefault(id(lane), EmaCache())

    def update(self, trainer: Any) -> dict[str, np.ndarray]:
        """{"w": [min, max], "b": [min, max]} over every lane's trace."""
        parts = []
        for lane in self.race.lanes:
            extent = self.extents.setdefault(id(lane), live_view.PathExtent())
            parts.append(extent.update(lane))
        return {
            "w": np.array([min(p["w"].min() for p in parts), max(p["w"].max() for p in parts)]),
            "b": np.array([min(p["b"].min() for p in parts), max(p["b"].max() for p in parts)]),
        }
