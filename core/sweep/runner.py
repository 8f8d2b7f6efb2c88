"""The host side of a sweep: runs grouped by (optimizer, loss), planned chunk by chunk, traced like the Trainer."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from core.regression.backends import DIVERGENCE_BOUND, chunk_capacity, diverged_message
from core.regression.config import RegressionConfig
from core.regression.data import make_data, mean_loss
from core.regression.optimizers import OPTIMIZER_RULES
from core.regression.schedule import Plan, Position, plan_steps
from core.regression.trace_buffer import TraceBuffer
from core.sweep.chunk import Group, Span, sweep_chunk
from core.sweep.grid import MAX_CHUNK_CELLS, MAX_CHUNK_STEPS, SweepRun, check_sweep


class RunGroup:
    """The runs of a sweep that share an (optimizer, loss) pair, with their stacked data and optimizer state."""

    def __init__(self, rows: list[int], configs: list[RegressionConfig], data: list[tuple[np.ndarray, np.ndarray]]):
        self.rows = rows
        members = [configs[row] for row in rows]
        self.kind = (members[0].optimizer, members[0].loss)
        self.batch = max(config.batch_size for config in members)
        width = max(config.n_samples for config in members)
        self.x = np.zeros((len(rows), width), np.float32)
        self.y = np.zeros_like(self.x)
        for place, row in enumerate(rows):
            x, y = data[row]
            self.x[place, : len(x)], self.y[place, : len(y)] = x, y
        self.params = np.array([[config.w_init, config.b_init] for config in members], np.float32)
        slot_inits = OPTIMIZER_RULES[members[0].optimizer].slot_inits
        self.slots = np.array(slot_inits, np.float32).reshape(-1, 1, 1) * np.ones((1, len(rows), 2), np.float32)
        self.iteration = np.zeros((len(rows), 1), np.int32)
        self.lr = np.array([[config.learning_rate] for config in members], np.float32)

    def inputs(self, plans: dict[int, Plan], capacity: int) -> tuple[np.ndarray, ...]:
        """The group's arguments for one compiled chunk, in core.sweep.chunk.Group order."""
        runs = len(self.rows)
        indices = np.zeros((capacity, runs, self.batch), np.int32)
        mask = np.zeros((capacity, runs, self.batch), np.float32)
        active = np.zeros((capacity, runs), bool)
        fill_plans(indices, mask, active, self.rows, plans, 0)
        return self.x, self.y, indices, mask, active, self.params, self.slots, self.iteration, self.lr


def fill_plans(
    indices: np.ndarray, mask: np.ndarray, active: np.ndarray, rows: list[int], plans: dict[int, Plan], start: int
) -> None:
    """Write the plans of rows into a chunk's indices, mask and active, the first row at run start.

    Idle steps train on sample 0 and are discarded, so no 0/0 appears.
    """
    mask[:, start : start + len(rows), 0] = 1.0
    for place, row in enumerate(rows, start=start):
        plan = plans.get(row)
        if plan is not None:
            steps, width = plan.indices.shape
            indices[:steps, place, :width] = plan.indices
            mask[:steps, place, 0] = 0.0
            mask[:steps, place, :width] = plan.mask
            active[:steps, place] = True


PACKED_REST = ("params", "iteration", "lr")


def packed_spans(groups: list[RunGroup]) -> tuple[Span, ...]:
    """Where each group sits when packed side by side (core.sweep.chunk.packed_chunk's layout)."""
    spans, start = [], 0
    for group in groups:
        spans.append(Span(*group.kind, start, start + len(group.rows), group.batch))
        start += len(group.rows)
    return tuple(spans)


def packed_data(groups: list[RunGroup]) -> tuple[np.ndarray, np.ndarray]:
    """Every group's samples (x, y) packed along the run axis, zero-padded to the widest."""
    width = max(group.x.shape[1] for group in groups)
    return tuple(
        np.concatenate([np.pad(getattr(group, name), ((0, 0), (0, width - group.x.shape[1]))) for group in groups])
        for name in ("x", "y")
    )


def packed_state(groups: list[RunGroup], plans: dict[int, Plan], capacity: int) -> tuple[np.ndarray, ...]:
    """Every group's other chunk arguments (indices, mask, active, params, slots, iteration, lr) packed along the
    run axis, the batch and slot axes zero-padded to the widest (packed_chunk slices each group's own back out)."""
    runs = sum(len(group.rows) for group in groups)
    batch = max(group.batch for group in groups)
    indices = np.zeros((capacity, runs, batch), np.int32)
    mask = np.zeros((capacity, runs, batch), np.float32)
    active = np.zeros((capacity, runs), bool)
    slots = np.zeros((max(group.slots.shape[0] for group in groups), runs, 2), np.float32)
    start = 0
    for group in groups:
        fill_plans(indices, mask, active, group.rows, plans, start)
        slots[: group.slots.shape[0], start : start + len(group.rows)] = group.slots
        start += len(group.rows)
    params, iteration, lr = (np.concatenate([getattr(group, name) for group in groups]) for name in PACKED_REST)
    return indices, mask, active, params, slots, iteration, lr


class Sweep:
    """The state of all runs between compiled chunks: positions, groups and traces."""

    def __init__(self, configs: list[RegressionConfig], chunk_cells: int = MAX_CHUNK_CELLS) -> None:
        self.configs = configs
        self.chunk_cells = chunk_cells
        made: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        for config in configs:
            if _data_key(config) not in made:
                made[_data_key(config)] = make_data(config)
        self.data = [made[_data_key(config)] for config in configs]
        members: dict[tuple[str, str], list[int]] = {}
        for row, config in enumerate(configs):
            members.setdefault((config.optimizer, config.loss), []).append(row)
        self.kinds = tuple(sorted(members))
        self.groups = [RunGroup(members[kind], configs, self.data) for kind in self.kinds]
        self.positions = [Position() for _ in configs]
        self.running = np.ones(len(configs), bool)
        self.messages = [""] * len(configs)
        self.traces = []
        for config, (x, y) in zip(configs, self.data):
            trace = TraceBuffer(config.total_steps + 1)
            start_loss = mean_loss(x, y, config.w_init, config.b_init, config.loss)
            trace.append([0], [0], [config.w_init], [config.b_init], [start_loss])
            self.traces.append(trace)

    def run(self) -> list[SweepRun]:
        cells = sum(len(group.rows) * group.batch for group in self.groups)
        chunk_steps = min(MAX_CHUNK_STEPS, 1 << max(0, (self.chunk_cells // cells).bit_length() - 1))
        while True:
            plans = self._plans(chunk_steps)
            if not plans:
                break
            self._run_chunk(plans, min(chunk_steps, chunk_capacity(max(plan.n_steps for plan in plans.values()))))
        return [
            SweepRun(config, "done" if message == "" else "diverged", message, trace.frame())
            for config, message, trace in zip(self.configs, self.messages, self.traces)
        ]

    def _plans(self, chunk_steps: int) -> dict[int, Plan]:
        plans = {}
        for row, config in enumerate(self.configs):
            if self.running[row]:
                plan = plan_steps(
                    config.n_samples,
                    config.batch_size,
                    config.seed,
                    config.shuffle,
                    config.epochs,
                    self.positions[row],
                    chunk_steps,
                )
                if plan.n_steps:
                    plans[row] = plan
                else:
                    self.running[row] = False
        return plans

    def _run_chunk(self, plans: dict[int, Plan], capacity: int) -> None:
        groups = [Group(*(tf.constant(value) for value in group.inputs(plans, capacity))) for group in self.groups]
        n_steps = tf.constant(max(plan.n_steps for plan in plans.values()), tf.int32)
        for group, outputs in zip(self.groups, sweep_chunk(self.kinds)(groups, n_steps)):
            params, slots, iteration, alive, *rows = (output.numpy() for output in outputs)
            group.params, group.slots, group.iteration = params, slots, iteration
            for place, row in enumerate(group.rows):
                if row in plans:
                    plan = plans[row]
                    self._record(row, plan, [column[: plan.n_steps, place] for column in rows], bool(alive[place]))

    def _record(self, row: int, plan: Plan, rows: list[np.ndarray], alive: bool) -> None:
        w, b, loss = rows
        kept = len(w)
        if not alive:
            bad = ~(np.isfinite(loss) & (np.abs(w) <= DIVERGENCE_BOUND) & (np.abs(b) <= DIVERGENCE_BOUND))
            kept = int(np.argmax(bad))
        trace = self.traces[row]
        start = len(trace)
        trace.append(np.arange(start, start + kept), plan.epochs[:kept], w[:kept], b[:kept], loss[:kept])
        if alive:
            self.positions[row] = plan.end
            return
        self.running[row] = False
        config = self.configs[row]
        self.messages[row] = diverged_message(
            config, self.data[row][0], start + kept, w[kept].item(), b[kept].item(), loss[kept].item()
        )


def _data_key(config: RegressionConfig) -> tuple:
    """The fields that decide a config's samples."""
    return (config.n_samples, config.seed, config.w_target, config.b_target, config.noise_std)


def run_sweep(configs: list[RegressionConfig]) -> list[SweepRun]:
    """Train every config together in one vectorised compiled loop; results match one-at-a-time compiled runs."""
    check_sweep(configs)
    return Sweep(list(configs)).run()
