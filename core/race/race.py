"""A race: lanes that share the data and step together, batched lanes advancing in one compiled call per chunk."""

from __future__ import annotations

import time
from typing import Any

from core.race.lane import Lane
from core.race.lane_chunks import LaneGroups, chunk_steps_limit, run_lane_chunks
from core.race.lane_fields import MAX_LANES, SHARED_FIELDS
from core.race.lane_specs import LaneSpec, check_overrides, check_specs, lane_labels, net_overrides
from core.regression.config import ConfigError, RegressionConfig
from core.regression.dataset import Datasets
from core.regression.trainer import Event, Trainer


class Race:
    """The lanes of one race, their specs (overrides of the shared base), and their steps per second."""

    def __init__(
        self, base: RegressionConfig, specs: list[LaneSpec] | None = None, datasets: Datasets | None = None
    ) -> None:
        self.datasets = datasets if datasets is not None else {}
        self.base = base
        self.specs = list(specs) if specs else [LaneSpec()]
        configs = check_specs(base, self.specs)
        labels = lane_labels(base, self.specs)
        self.lanes = [
            Lane(config, label, spec.backend, self.datasets) for config, label, spec in zip(configs, labels, self.specs)
        ]
        # steps/s of each lane in its last advance, over the time spent on it: the lanes of one packed call share
        # its time, a lane that steps alone (eager, or stopping at convergence) has its own
        self.rates = [0.0] * len(self.lanes)
        self._groups = LaneGroups()

    @classmethod
    def from_trainer(cls, trainer: Trainer, datasets: Datasets | None = None) -> Race:
        """A race of one lane that is this running trainer (its settings are the base), to add lanes to mid-run."""
        race = cls(trainer.config, [LaneSpec({}, "", trainer.backend)], datasets)
        race.lanes[0] = Lane.adopt(trainer, race.lanes[0].label)
        return race

    # --- what the race is -------------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        """running while any lane runs; else diverged if every lane diverged, else done."""
        statuses = {lane.status for lane in self.lanes}
        if "running" in statuses:
            return "running"
        return "diverged" if statuses == {"diverged"} else "done"

    @property
    def steps_done(self) -> int:
        """The most steps any lane has made (lanes step together, so the running ones are all here)."""
        return max(lane.steps_done for lane in self.lanes)

    def _relabel(self) -> None:
        for lane, label in zip(self.lanes, lane_labels(self.base, self.specs)):
            lane.label = label

    # --- lanes ------------------------------------------------------------------------------------------------
    def add_lane(self, spec: LaneSpec) -> int:
        """Add a lane at step 0 of its own while the others go on (the next advance of the race brings it up to
        the leader's step, training it from the start); returns its index."""
        if len(self.lanes) >= MAX_LANES:
            raise ConfigError("lanes", len(self.lanes) + 1, f"a race has at most {MAX_LANES} lanes")
        (config,) = check_specs(self.base, [spec])
        self.specs.append(spec)
        self.lanes.append(Lane(config, "", spec.backend, self.datasets))
        self.rates.append(0.0)
        self._relabel()
        return len(self.lanes) - 1

    def remove_lane(self, index: int) -> None:
        """Drop a lane (the last one stays)."""
        self._index(index)
        if len(self.lanes) == 1:
            raise ConfigError("lanes", 0, "a race keeps at least 1 lane")
        del self.lanes[index], self.specs[index], self.rates[index]
        self._relabel()

    def relabel(self, index: int, label: str) -> str:
        """Give a lane its own label ("" goes back to the one made from its overrides); returns the shown label."""
        spec = self.specs[self._index(index)]
        self.specs[index] = LaneSpec(spec.overrides, LaneSpec.from_dict({"label": label}).label, spec.backend)
        self._relabel()
        return self.lanes[index].label

    def update_lane(self, index: int, **changes: Any) -> list[Event]:
        """Change one lane from its next step (lane fields only); returns that lane's events."""
        lane = self.lanes[self._index(index)]
        check_overrides(changes)
        events = lane.update(**changes)
        spec = self.specs[index]
        overrides = {**spec.overrides, **net_overrides(self.base, lane.config)}  # what the lane set stays named
        self.specs[index] = LaneSpec({name: getattr(lane.config, name) for name in overrides}, spec.label, spec.backend)
        self._relabel()
        return events

    def update_shared(self, **changes: Any) -> list[list[Event]]:
        """A sidebar change: shared fields change every lane; a lane field changes the lanes that do not set it."""
        self.base = self.base.replace(**changes)
        events = []
        for lane, spec in zip(self.lanes, self.specs):
            own = {
                name: value for name, value in changes.items() if name in SHARED_FIELDS or name not in spec.overrides
            }
            events.append(lane.update(**own) if own else [])
        self._relabel()
        return events

    def set_backend(self, index: int, backend: str) -> None:
        """Move one lane between the eager and compiled backends; its state carries over exactly."""
        spec = self.specs[self._index(index)]
        LaneSpec.from_dict({"backend": backend})
        self.specs[index] = LaneSpec(spec.overrides, spec.label, backend)
        (config,) = check_specs(self.base, [self.specs[index]])
        self.lanes[index].backend = backend

    def _index(self, index: Any) -> int:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self.lanes):
            raise ConfigError("lane", index, f"must be a lane number from 0 to {len(self.lanes) - 1}")
        return index

    # --- stepping ---------------------------------------------------------------------------------------------
    def advance(self, n: int | list[int]) -> list[int]:
        """Advance every lane up to n steps (or n[i] for lane i) together; returns the steps each lane made."""
        targets = list(n) if isinstance(n, list) else [n] * len(self.lanes)
        whole = all(isinstance(t, int) and not isinstance(t, bool) and t >= 0 for t in targets)
        if len(targets) != len(self.lanes) or not whole:
            raise ConfigError("n", n, "must be a whole number ≥ 0, or one per lane")
        made, seconds = [0] * len(self.lanes), [0.0] * len(self.lanes)
        batched = [i for i, lane in enumerate(self.lanes) if lane.batched]
        limit = chunk_steps_limit([self.lanes[i] for i in batched])
        while True:
            plans = {}
            for i in batched:
                plan = self.lanes[i].next_plan(min(targets[i] - made[i], limit))
                if plan is not None:
                    plans[i] = plan
            if not plans:
                break
            started = time.perf_counter()
            for i, result in run_lane_chunks(self.lanes, plans, self._groups).items():
                made[i] += self.lanes[i].take_chunk(plans[i], result)
            spent = time.perf_counter() - started
            for i in plans:  # the lanes of one packed call share its time
                seconds[i] += spent
        for i, lane in enumerate(self.lanes):
            if not lane.batched:
                started = time.perf_counter()
                made[i] += lane.advance(targets[i])
                seconds[i] += time.perf_counter() - started
        self.rates = [count / max(took, 1e-9) if count else 0.0 for count, took in zip(made, seconds, strict=True)]
        return made

    def steps_left_in_epoch(self) -> list[int]:
        """Each lane's steps until its own current epoch ends."""
        return [lane.steps_left_in_epoch for lane in self.lanes]

    def reset(self) -> None:
        """Every lane back to step 0 with its current settings and no events."""
        self.__init__(self.base, self.specs, self.datasets)
