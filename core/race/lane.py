"""One lane of a race: a Trainer whose compiled chunks are planned here and run by the race with the other lanes."""

from __future__ import annotations

import numpy as np

from core.regression.backends import ChunkResult, is_bad
from core.regression.config import RegressionConfig
from core.regression.dataset import Datasets
from core.regression.schedule import Plan, plan_steps
from core.regression.trainer import Trainer


class Lane(Trainer):
    """A Trainer with a label whose steps can be split in two: plan a chunk, then take the chunk's result.

    A lane that is compiled and does not stop at convergence is batched (core.race.lane_chunks runs its chunk
    together with the other lanes'); any other lane steps alone with Trainer.advance, exactly as a single run.
    take_chunk does what Trainer._run_chunk does with a backend's result, so a batched lane's trace, events,
    position, convergence and divergence are those of the same config run one at a time.
    """

    def __init__(
        self, config: RegressionConfig, label: str, backend: str = "compiled", datasets: Datasets | None = None
    ) -> None:
        super().__init__(config, backend=backend, datasets=datasets)
        self.label = label

    @classmethod
    def adopt(cls, trainer: Trainer, label: str) -> Lane:
        """A running single run as a lane: the same trainer state (trace, position, events), nothing restarted."""
        lane = cls.__new__(cls)
        lane.__dict__.update(trainer.__dict__)
        lane.label = label
        return lane

    @property
    def batched(self) -> bool:
        """Whether the race runs this lane's chunks in its shared compiled call."""
        return self.backend == "compiled" and not self.config.stop_when_converged

    def next_plan(self, n: int) -> Plan | None:
        """The batches of up to n next steps (at most one chunk's worth), or None when the lane cannot step."""
        if self.status != "running" or n <= 0:
            return None
        config = self.config
        n = min(n, self.checkpoints.steps_to_boundary(self.steps_done, config, self.backend))
        self.checkpoints.note(self.steps_done, config, self.backend, self._state, self._position)  # for inspect
        plan = plan_steps(
            config.n_samples,
            config.batch_size,
            config.seed,
            config.shuffle,
            config.epochs,
            self._position,
            min(n, self._chunk_limit()),
        )
        if plan.n_steps == 0:
            self.status = "done"
            return None
        return plan

    def take_chunk(self, plan: Plan, result: ChunkResult) -> int:
        """Record a planned chunk's rows (ending right after a diverged row, as a backend's do); returns rows made."""
        config = self.config
        made = len(result.w)
        diverged = made > 0 and is_bad(result.w[-1], result.b[-1], result.loss[-1])
        kept = made - 1 if diverged else made
        start = self.steps_done + 1
        steps = np.arange(start, start + kept)
        self._trace.append(steps, plan.epochs[:kept], result.w[:kept], result.b[:kept], result.loss[:kept])
        self._tracker.update(steps, result.w[:kept], result.b[:kept])
        if kept:
            self.last_batch = plan.indices[kept - 1][plan.mask[kept - 1] > 0]
        if diverged:
            self._position = plan_steps(
                config.n_samples, config.batch_size, config.seed, config.shuffle, config.epochs, self._position, kept
            ).end
            self._diverge(start + kept, result.w[-1], result.b[-1], result.loss[-1])
            return made
        self._state = result.state
        self._position = plan.end
        if self._position.epoch >= config.epochs:
            self.status = "done"
        return made
