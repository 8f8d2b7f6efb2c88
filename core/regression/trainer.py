"""The regression Trainer: the tutorial's GradientTape fit of y = w·x + b, steppable, updatable and traced."""

from __future__ import annotations

import dataclasses
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import tensorflow as tf

from core.regression.backends import (
    BACKENDS,
    ChunkResult,
    OptimizerState,
    diverged_message,
    is_bad,
    steps_at_no_extra_cost,
)
from core.regression.config import ConfigError, RegressionConfig
from core.regression.convergence import ConvergenceTracker, criterion_for
from core.regression.data import least_squares, make_data, max_stable_learning_rate, mean_loss
from core.regression.dataset import Datasets
from core.regression.fields import BACKEND_NAMES, DATA_FIELDS
from core.regression.schedule import Plan, Position, plan_steps, steps_left
from core.regression.step_checkpoints import CheckpointLog
from core.regression.trace_buffer import TraceBuffer

MAX_CHUNK_STEPS = 1 << 20
MAX_CHUNK_CELLS = 1 << 24


class Event(NamedTuple):
    """A mid-run change: it takes effect from step + 1."""

    step: int
    field: str
    old: Any
    new: Any


class RowsAhead(NamedTuple):
    """Steps a compiled call ran past the chunk taken (free: it pays per call), from that chunk's end state."""

    rows: ChunkResult
    state: OptimizerState
    position: Position
    config: RegressionConfig
    backend: str


class StepStart(NamedTuple):
    """Where the run stood when the first change at this step came in: same-step changes merge from here."""

    step: int
    config: RegressionConfig
    state: OptimizerState
    position: Position
    status: str
    message: str
    n_events: int


def data_settings(config: RegressionConfig) -> tuple:
    """The values of the fields the data is drawn from."""
    return tuple(getattr(config, name) for name in sorted(DATA_FIELDS))


class Trainer:
    """Trains one run step by step on the chosen backend, keeping the full trace and every mid-run change."""

    def __init__(self, config: RegressionConfig, backend: str = "compiled", datasets: Datasets | None = None) -> None:
        """datasets holds the user's data sets by content hash, for configs with data_source csv."""
        if not isinstance(config, RegressionConfig):
            raise ConfigError("config", config, "must be a RegressionConfig")
        if backend not in BACKEND_NAMES:
            raise ConfigError("backend", backend, f"must be one of {', '.join(BACKEND_NAMES)}")
        self.backend = backend
        self.data_version = 0
        self._datasets = datasets if datasets is not None else {}
        self._start(config)

    def _start(self, config: RegressionConfig) -> None:
        """Begin the run at step 0 with config: fresh data, optimizer state and trace, no events."""
        self.config = config
        self.initial_config = config
        self.events: list[Event] = []
        self._step_start: StepStart | None = None
        self._ahead: RowsAhead | None = None
        self.status = "running"
        self.message = ""
        self._position = Position()
        self.checkpoints = CheckpointLog()  # optimizer state every K steps, to replay any step (step_replay)
        self.last_batch = np.zeros(0, dtype=np.int32)
        self.stopped_converged = False
        self._load_data()
        self._state = OptimizerState.fresh(config.optimizer, config.w_init, config.b_init)
        initial_loss = mean_loss(self._x, self._y, config.w_init, config.b_init, config.loss)
        self._trace = TraceBuffer(config.total_steps + 1)
        self._trace.append([0], [0], [config.w_init], [config.b_init], [initial_loss])

    def _load_data(self) -> None:
        self._x, self._y = make_data(self.config, self._datasets)
        self._data_config = data_settings(self.config)
        if self._x.flags.writeable:
            self._x.flags.writeable = self._y.flags.writeable = False
        self.data_version += 1
        self._x_tf = tf.constant(self._x)
        self._y_tf = tf.constant(self._y)
        self._optimum: tuple[float, float] | None = None
        self._stable_rates: dict[str, float] = {}
        self._tracker = ConvergenceTracker(self._criterion())

    def _criterion(self):
        """What converged means on this data with this loss (core.regression.convergence)."""
        config = self.config
        synthetic = config.data_source == "synthetic"
        return criterion_for(synthetic, config.w_target, config.b_target, self._x, self._y, config.loss)

    @property
    def converged_step(self) -> int | None:
        """The step from which the fit has stayed close to the best one (core.regression.convergence), or None."""
        return self._tracker.step

    @property
    def dataset(self):
        """The user's data set this run trains on (a core.regression.dataset.Dataset), or None."""
        return self.dataset_by_hash(self.config.data_hash)

    def dataset_by_hash(self, data_hash: str):
        """One of the users' data sets this trainer can reach, by hash, or None."""
        return self._datasets.get(data_hash) if data_hash else None

    @property
    def data(self) -> pd.DataFrame:
        """The current samples, columns x and y."""
        return pd.DataFrame({"x": self._x, "y": self._y})

    @property
    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The current samples as read-only float32 arrays (x, y)."""
        return self._x, self._y

    def trace_column(self, name: str) -> np.ndarray:
        """A read-only view of one trace column (step, epoch, w, b or loss), without copying."""
        return self._trace.column(name)

    @property
    def trace(self) -> pd.DataFrame:
        """Every recorded row: step, epoch, w, b, loss (step 0 holds the initial values)."""
        return self._trace.frame()

    @property
    def steps_done(self) -> int:
        """Updates made so far."""
        return len(self._trace) - 1

    @property
    def epoch(self) -> int:
        """Current epoch, 0-based (equals config.epochs when done)."""
        return self._position.epoch

    @property
    def total_steps(self) -> int:
        """Steps done plus steps still planned with the current settings."""
        config = self.config
        if self.stopped_converged:
            return self.steps_done
        return self.steps_done + steps_left(config.n_samples, config.batch_size, config.epochs, self._position)

    @property
    def steps_left_in_epoch(self) -> int:
        """Updates until the current epoch ends (0 when the run is over)."""
        config = self.config
        if self._position.epoch >= config.epochs:
            return 0
        return steps_left(config.n_samples, config.batch_size, self._position.epoch + 1, self._position)

    @property
    def w(self) -> float:
        """Current weight."""
        return float(self._state.params[0])

    @property
    def b(self) -> float:
        """Current bias."""
        return float(self._state.params[1])

    @property
    def least_squares(self) -> tuple[float, float]:
        """Closed-form best (w, b) for the current data."""
        if self._optimum is None:
            self._optimum = least_squares(self._x, self._y)
        return self._optimum

    @property
    def max_stable_learning_rate(self) -> float:
        """2/λ_max of the loss Hessian: the largest stable full-batch SGD learning rate on this data."""
        loss = self.config.loss
        if loss not in self._stable_rates:  # O(n) over the data: computed once per data set and loss
            self._stable_rates[loss] = max_stable_learning_rate(self._x, loss)
        return self._stable_rates[loss]

    def step(self, n: int = 1) -> pd.DataFrame:
        """Advance up to n update steps; return the new rows (fewer if the run ends or diverges)."""
        first_new = len(self._trace)
        self.advance(n)
        return self._trace.frame(first_new)

    def advance(self, n: int = 1) -> int:
        """Advance up to n update steps, as step() does, without building the new rows; returns how many were made."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ConfigError("n", n, "must be a whole number ≥ 0")
        before = self.steps_done
        remaining = int(n)
        if self.config.stop_when_converged and self._tracker.step is not None and self.status == "running":
            self._stop_converged()
        while remaining > 0 and self.status == "running":
            made = self._run_chunk(min(remaining, self._chunk_limit()))
            remaining -= made
            if made == 0:
                break
        return self.steps_done - before

    def run(self) -> pd.DataFrame:
        """Run to the end (or until it diverges); return the full trace."""
        self.step(self.total_steps - self.steps_done)
        return self.trace

    def _chunk_limit(self) -> int:
        per_cells = max(1, MAX_CHUNK_CELLS // self.config.batch_size)
        return min(MAX_CHUNK_STEPS, 1 << (per_cells.bit_length() - 1))

    def _run_chunk(self, n: int) -> int:
        config = self.config
        n = min(n, self.checkpoints.steps_to_boundary(self.steps_done, config, self.backend))
        self.checkpoints.note(self.steps_done, config, self.backend, self._state, self._position)
        ahead = self._rows_ahead()
        if ahead is not None:
            n = min(n, len(ahead))
        plan = self._plan(n)
        if plan.n_steps == 0:
            self.status = "done"
            return 0
        if ahead is not None:
            result = ahead.head(n)
            self._ahead = (
                RowsAhead(ahead.tail(n), result.state, plan.end, config, self.backend) if len(ahead) > n else None
            )
        else:
            result = self._compute(plan)
        made = len(result.w)
        diverged = made > 0 and is_bad(result.w[-1], result.b[-1], result.loss[-1])
        kept = made - 1 if diverged else made
        converged_at = self._first_close(result, kept) if config.stop_when_converged else None
        if converged_at is not None and converged_at < made:  # the chunk ends exactly at that step
            self._ahead = None
            plan, result = self._plan(converged_at), result.head(converged_at)
            made = kept = converged_at
            diverged = False
        start = self.steps_done + 1
        self._trace.append(
            np.arange(start, start + kept), plan.epochs[:kept], result.w[:kept], result.b[:kept], result.loss[:kept]
        )
        self._tracker.update(np.arange(start, start + kept), result.w[:kept], result.b[:kept])
        if kept:
            self.last_batch = plan.indices[kept - 1][plan.mask[kept - 1] > 0]
        if diverged:
            self._ahead = None
            self._position = self._plan(kept).end
            self._diverge(start + kept, result.w[-1], result.b[-1], result.loss[-1])
            return made
        self._state = result.state
        self._position = plan.end
        if self._position.epoch >= config.epochs:
            self.status = "done"
        elif converged_at is not None:
            self._stop_converged()
        return made

    def _plan(self, n: int) -> Plan:
        """The next n steps' batches from where the run stands."""
        config = self.config
        return plan_steps(
            config.n_samples, config.batch_size, config.seed, config.shuffle, config.epochs, self._position, n
        )

    def _compute(self, wanted: Plan) -> ChunkResult:
        """Run the wanted steps on the backend. The steps its call runs at no extra cost past them (up to the next
        checkpoint) are kept for the next chunk, which takes them if nothing changed in between."""
        config, n = self.config, wanted.n_steps
        boundary = self.checkpoints.steps_to_boundary(self.steps_done, config, self.backend)
        plan = self._plan(max(n, min(steps_at_no_extra_cost(self.backend, n), boundary)))
        result = BACKENDS[self.backend](
            self._x_tf,
            self._y_tf,
            plan.indices,
            plan.mask,
            self._state,
            config.optimizer,
            config.loss,
            config.learning_rate,
        )
        if len(result) <= n:
            return result
        taken = result.head(n)
        self._ahead = RowsAhead(result.tail(n), taken.state, wanted.end, config, self.backend)
        return taken

    def _rows_ahead(self) -> ChunkResult | None:
        """The rows computed past the last chunk, when the run still stands exactly where they start."""
        ahead = self._ahead
        if ahead is None:
            return None
        current = (ahead.state is self._state, ahead.config is self.config, ahead.backend == self.backend)
        if all(current) and ahead.position == self._position and self.status == "running":
            return ahead.rows
        self._ahead = None
        return None

    def _first_close(self, result: Any, kept: int) -> int | None:
        """How many of a chunk's rows run up to its first close one (the step a stop at convergence ends on)."""
        hits = np.flatnonzero(self._tracker.close(result.w[:kept], result.b[:kept]))
        return int(hits[0]) + 1 if len(hits) else None

    def _stop_converged(self) -> None:
        """Stop when converged: the run ends here."""
        self.status, self.stopped_converged = "done", True
        self.message = f"Converged at step {self._tracker.step:,}; stopped there (Stop when converged)."

    def _diverge(self, step: int, w: float, b: float, loss: float) -> None:
        last = self._trace.last()
        self._state = OptimizerState.fresh(self.config.optimizer, last["w"], last["b"])
        self.status = "diverged"
        self.message = diverged_message(self.config, self._x, step, w, b, loss)

    def update(self, **changes: Any) -> list[Event]:
        """Change settings from the next step on; returns this step's events for them. Bad values raise ConfigError.

        Before the first step there is nothing to change mid-run: the run starts afresh with the new settings
        and records no event (so no "@ step 0" markers pile up while the learner sets things up).

        Changes made at the same step (a slider moved notch by notch, while paused or between two steps) merge
        into one event per field, from the value before the first change to the last one; a field set back to
        where it was drops its event. Nothing ran in between, so the run is exactly as if only the net change
        had been made. A new w_init or b_init sets w or b to that value (the optimizer state is kept).
        """
        new_config = self.config.replace(**changes)
        if self.steps_done == 0:
            self._start(new_config)
            return []
        if new_config == self.config:
            return []
        step = self.steps_done
        if self._step_start is None or self._step_start.step != step:
            self._step_start = StepStart(
                step, self.config, self._state, self._position, self.status, self.message, len(self.events)
            )
        start = self._step_start
        order = [event.field for event in self.events[start.n_events :]] + list(changes)
        net = [name for name in dict.fromkeys(order) if getattr(start.config, name) != getattr(new_config, name)]
        del self.events[start.n_events :]
        self.events.extend(Event(step, name, getattr(start.config, name), getattr(new_config, name)) for name in net)
        self.config, self._state, self._position = start.config, start.state, start.position
        self.status, self.message = start.status, start.message
        self._apply(new_config, set(net))
        return [event for event in self.events[start.n_events :] if event.field in changes]

    def _apply(self, new_config: RegressionConfig, changed: set[str]) -> None:
        """Move from this step's starting point to new_config, whose fields in changed differ from it."""
        self.config = new_config
        if self._data_config != data_settings(new_config):
            self._load_data()
        elif "loss" in changed:
            self._tracker.restart(self._criterion())
        if not changed:
            return
        if self._position.offset >= new_config.n_samples:
            self._position = Position(self._position.epoch + 1, 0)
        if "optimizer" in changed:
            self._state = OptimizerState.fresh(new_config.optimizer, self.w, self.b)
        if changed & {"w_init", "b_init"}:
            w = new_config.w_init if "w_init" in changed else self.w
            b = new_config.b_init if "b_init" in changed else self.b
            self._state = dataclasses.replace(self._state, params=np.array([w, b], dtype=np.float32))
        if self.status == "diverged" or self.stopped_converged:
            self.message = ""
        self.stopped_converged = False
        self.status = "running" if self._position.epoch < new_config.epochs else "done"
        self._trace.reserve(self.total_steps + 1)
