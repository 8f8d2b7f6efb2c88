"""Optimizer-slot checkpoints of a run every K steps, so any step can be replayed from the state just before it."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from core.regression.backends import OptimizerState, chunk_capacity
from core.regression.config import RegressionConfig
from core.regression.schedule import Position

REPLAY_CELLS = 1 << 16  # a replay runs at most about this many sample-steps (K × batch size) on the compiled backend
EAGER_REPLAY_STEPS = 16  # the eager backend is the tutorial's Python loop (~2 ms a step): replays stay short
MIN_INTERVAL = 16
MAX_INTERVAL = 1 << 16


def checkpoint_interval(backend: str, batch_size: int) -> int:
    """K: steps between checkpoints, a power of two, so one replay costs at most about REPLAY_CELLS sample-steps.

    A checkpoint is a few numbers, so even K = 16 over 10,000,000 steps keeps memory small (well under 100 MB);
    K also bounds how far a replay runs.
    """
    if backend == "eager":
        return EAGER_REPLAY_STEPS
    per_cells = max(1, REPLAY_CELLS // max(1, batch_size))
    return max(MIN_INTERVAL, min(MAX_INTERVAL, 1 << (per_cells.bit_length() - 1)))


def replay_capacity(backend: str, batch_size: int) -> int:
    """The one padded length every compiled replay of a run runs at (0 on the eager backend, which has none).

    A replay runs fewer than K steps from a checkpoint and then one: padding both to K's chunk length means XLA
    compiles a single shape per (optimizer, loss, batch size, data size), which the trainer's own K-step chunks
    share and core.regression.step_warmup compiles ahead of the first inspect.
    """
    return chunk_capacity(checkpoint_interval(backend, batch_size)) if backend == "compiled" else 0


@dataclass(frozen=True)
class Checkpoint:
    """The run as it stood after `step` updates: settings, backend, optimizer state and schedule position."""

    step: int
    config: RegressionConfig
    backend: str
    state: OptimizerState
    position: Position


class CheckpointLog:
    """Checkpoints in step order: one at every multiple of K and one wherever settings or state were changed."""

    def __init__(self) -> None:
        self._steps: list[int] = []
        self._checkpoints: list[Checkpoint] = []

    def __len__(self) -> int:
        return len(self._checkpoints)

    def steps_to_boundary(self, step: int, config: RegressionConfig, backend: str) -> int:
        """How many steps a chunk starting at step may run before the next multiple of K (where a checkpoint goes)."""
        interval = checkpoint_interval(backend, config.batch_size)
        return interval - step % interval

    def note(
        self, step: int, config: RegressionConfig, backend: str, state: OptimizerState, position: Position
    ) -> None:
        """A chunk starts here: keep a checkpoint at multiples of K and wherever the run was changed since the last.

        Every change that can set the state from outside (settings, w or b set, another optimizer, carrying on
        after a divergence) comes with a new config object, and a backend switch changes the backend: so a
        change shows as a config that is not the last checkpoint's (by identity, which is cheap) or another backend.
        """
        last = self._checkpoints[-1] if self._checkpoints else None
        on_boundary = step % checkpoint_interval(backend, config.batch_size) == 0
        changed = last is None or last.config is not config or last.backend != backend
        if on_boundary or changed:
            checkpoint = Checkpoint(step, config, backend, state, position)
            if self._steps and self._steps[-1] == step:  # a change at the same step replaces the earlier one
                self._checkpoints[-1] = checkpoint
            else:
                self._steps.append(step)
                self._checkpoints.append(checkpoint)

    def before(self, step: int) -> Checkpoint:
        """The last checkpoint taken at or before step (step ≥ 0)."""
        index = bisect.bisect_right(self._steps, step) - 1
        if index < 0:
            raise LookupError(f"no checkpoint at or before step {step}")
        return self._checkpoints[index]
