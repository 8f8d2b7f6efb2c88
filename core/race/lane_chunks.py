"""The race's compiled step: every batched lane's chunk in one core.sweep call, grouped by (optimizer, loss, batch).

This is the sweep's machinery (core.sweep.runner.RunGroup stacks a group's data and state and packs the groups
side by side, core.sweep.chunk compiles one loop over all groups), fed from live lanes instead of fresh configs:
each group's parameters, slots, iteration and learning rate are read from its lanes before the call and handed
back after it as each lane's own ChunkResult, so every lane continues exactly as the same config run one at a
time would.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from core.race.lane import Lane
from core.regression.backends import DIVERGENCE_BOUND, ChunkResult, OptimizerState, chunk_capacity
from core.regression.optimizers import OPTIMIZER_RULES
from core.regression.schedule import Plan
from core.sweep.chunk import packed_chunk
from core.sweep.grid import MAX_CHUNK_CELLS
from core.sweep.runner import RunGroup, packed_data, packed_spans, packed_state

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
        self._data: tuple[tuple, tuple] = ((), ())

    def _cache_key(self, key: GroupKey, rows: list[int], lanes: list[Lane]) -> tuple:
        return (key, tuple(rows), tuple((id(lanes[row]), lanes[row].data_version) for row in rows))

    def group(self, key: GroupKey, rows: list[int], lanes: list[Lane]) -> RunGroup:
        """The RunGroup of these lanes, its state refreshed from the lanes."""
        cache_key = self._cache_key(key, rows, lanes)
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

    def data(self, groups: list[RunGroup]) -> tuple[tf.Tensor, tf.Tensor]:
        """The packed samples (x, y) as tensors, made again only when the groups (membership, data) change."""
        if self._data[0] != tuple(groups):  # RunGroups compare by identity, and the kept tuple holds them
            self._data = (tuple(groups), tuple(tf.constant(value) for value in packed_data(groups)))
        return self._data[1]


def run_lane_chunks(lanes: list[Lane], plans: dict[int, Plan], groups: LaneGroups) -> dict[int, ChunkResult]:
    """Run the planned chunk of every lane in plans (by lane index) in one compiled call; returns each result.

    The groups are packed side by side (core.sweep.chunk.packed_chunk), so the call takes ten tensors whatever
    the groups. The loop is sized to the padded capacity and stops after the longest plan, so a new tick length
    never compiles again.
    """
    members: dict[GroupKey, list[int]] = {}
    for row in sorted(plans):
        members.setdefault(group_key(lanes[row]), []).append(row)
    keys = sorted(members, key=lambda key: (key[1], key[2], key[0]))  # a loss and batch's groups side by side
    n_steps = max(plan.n_steps for plan in plans.values())
    stacked = [groups.group(key, members[key], lanes) for key in keys]
    spans = packed_spans(stacked)
    x, y = groups.data(stacked)
    state = (tf.constant(value) for value in packed_state(stacked, plans, chunk_capacity(n_steps)))
    outputs = packed_chunk(spans)(x, y, *state, tf.constant(n_steps, tf.int32))
    params, slots, iteration, alive, w_rows, b_rows, loss_rows = (value.numpy() for value in outputs)
    results = {}
    for span, group in zip(spans, stacked):
        n_slots = len(OPTIMIZER_RULES[span.optimizer].slot_inits)
        for place, row in enumerate(group.rows, start=span.start):
            steps = plans[row].n_steps
            w, b, loss = w_rows[:steps, place], b_rows[:steps, place], loss_rows[:steps, place]
            if not alive[place]:  # keep the rows up to and including the first bad one, as a backend does
                bad = ~(np.isfinite(loss) & (np.abs(w) <= DIVERGENCE_BOUND) & (np.abs(b) <= DIVERGENCE_BOUND))
                end = int(np.argmax(bad)) + 1
                w, b, loss = w[:end], b[:end], loss[:end]
            lane_state = OptimizerState(
                params[place].copy(), slots[:n_slots, place, :].copy(), int(iteration[place, 0])
            )
            results[row] = ChunkResult(w.copy(), b.copy(), loss.copy(), lane_state)
    return results
