"""The race's compiled step: every batched lane's chunk in one core.sweep call, grouped by (optimizer, loss, batch).

This is the sweep's machinery (core.sweep.runner.RunGroup stacks a group's data and state, core.sweep.chunk
compiles one tf.range loop over all groups), fed from live lanes instead of fresh configs: each group's
parameters, slots, iteration and learning rate are read from its lanes before the call and handed back after it
as each lane's own ChunkResult, so every lane continues exactly as the same config run one at a time would.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from core.race.lane import Lane
from core.regression.backends import DIVERGENCE_BOUND, ChunkResult, OptimizerState, chunk_capacity
from core.regression.schedule import Plan
from core.sweep.chunk import Group, sweep_chunk
from core.sweep.grid import MAX_CHUNK_CELLS
from core.sweep.runner import RunGroup

GroupKey = tuple[str, str, int]  # (optimizer, loss, batch_size)


def group_key(lane: Lane) -> GroupKey:
    """The lanes that share a key share one vectorised group in the compiled call."""
    return (lane.config.optimizer, lane.config.loss, lane.config.batch_size)


def chunk_steps_limit(lanes: list[Lane]) -> int:
    """The most steps one shared call may plan: steps × Σ batch stays within the sweep's cell budget."""
    cells = max(1, sum(lane.config.batch_size for lane in lanes))
    return max(1, 1 << max(0, (MAX_CHUNK_CELLS // cells).bit_length() - 1))


class LaneGroups:
    """Stacked groups of lanes, kept while their membership and data stay the same (the data copy is the cost)."""

    def __init__(self) -> None:
        self._groups: dict[tuple, RunGroup] = {}

    def group(self, key: GroupKey, rows: list[int], lanes: list[Lane]) -> RunGroup:
        """The RunGroup of these lanes, its state refreshed from the lanes."""
        cache_key = (key, tuple(rows), tuple((id(lanes[row]), lanes[row].data_version) for row in rows))
        group = self._groups.get(cache_key)
        if group is None:
            configs = {row: lanes[row].config for row in rows}
            data = {row: lanes[row].arrays for row in rows}
            group = RunGroup(rows, configs, data)
            self._groups = {k: v for k, v in self._groups.items() if k[0] != key or k[1] != tuple(rows)}
            self._groups[cache_key] = group
        states = [lanes[row]._state for row in rows]
        group.params = np.stack([state.params for state in states]).astype(np.float32)
        group.slots = np.stack([state.slots for state in states], axis=1).astype(np.float32)
        group.iteration = np.array([[state.iteration] for state in states], np.int32)
        group.lr = np.array([[lanes[row].config.learning_rate] for row in rows], np.float32)
        return group


def run_lane_chunks(lanes: list[Lane], plans: dict[int, Plan], groups: LaneGroups) -> dict[int, ChunkResult]:
    """Run the planned chunk of every lane in plans (by lane index) in one compiled call; returns each result."""
    members: dict[GroupKey, list[int]] = {}
    for row in sorted(plans):
        members.setdefault(group_key(lanes[row]), []).append(row)
    keys = sorted(members)
    capacity = chunk_capacity(max(plan.n_steps for plan in plans.values()))
    stacked = [groups.group(key, members[key], lanes) for key in keys]
    inputs = [Group(*(tf.constant(value) for value in group.inputs(plans, capacity))) for group in stacked]
    # Run the whole padded capacity: steps past a lane's plan are inactive, and a loop length that changes with
    # every tick would make XLA compile again (the trip count is a compile-time constant to it).
    outputs = sweep_chunk(tuple(key[:2] for key in keys))(inputs, tf.constant(capacity, tf.int32))
    results = {}
    for group, output in zip(stacked, outputs):
        params, slots, iteration, alive, w_rows, b_rows, loss_rows = (value.numpy() for value in output)
        for place, row in enumerate(group.rows):
            n_steps = plans[row].n_steps
            w, b, loss = w_rows[:n_steps, place], b_rows[:n_steps, place], loss_rows[:n_steps, place]
            if not alive[place]:  # keep the rows up to and including the first bad one, as a backend does
                bad = ~(np.isfinite(loss) & (np.abs(w) <= DIVERGENCE_BOUND) & (np.abs(b) <= DIVERGENCE_BOUND))
                end = int(np.argmax(bad)) + 1
                w, b, loss = w[:end], b[:end], loss[:end]
            state = OptimizerState(params[place].copy(), slots[:, place, :].copy(), int(iteration[place, 0]))
            results[row] = ChunkResult(w.copy(), b.copy(), loss.copy(), state)
    return results
