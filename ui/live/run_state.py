"""One browser session's live run: its engine handle, play state, pacing and autosave (no TensorFlow here)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from core.engine.client import EngineClient
from core.engine.errors import EngineError, RunLostError
from core.regression.config import ConfigError, RegressionConfig

TICK_SECONDS = 0.08  # a fragment tick every 80 ms: 10+ chart updates per second after timer jitter
PLAYING_POINTS = 1000  # per series while streaming (lighter for the browser); 2,000 when paused
PAUSED_POINTS = 2000
MAX_TICK_SECONDS = 0.05
RUN_TO_END_SECONDS = 0.25
AS_FAST_AS_POSSIBLE = None


@dataclass
class LiveRun:
    """State of the live regression for one session; methods talk to the engine through the client."""

    client: EngineClient
    config: RegressionConfig = field(default_factory=RegressionConfig)
    backend: str = "compiled"
    handle: int | None = None
    playing: bool = False
    run_to_end: bool = False
    speed: float | None = 200.0
    smoothing: float = 0.0
    name: str = ""
    run_id: int | None = None
    revision: int = 0
    frame: int = 0
    view: dict[str, Any] | None = None
    samples: dict[str, Any] | None = None
    surface: dict[str, Any] | None = None
    data_version: int = -1
    surface_key: tuple = ()
    last_tick: float = 0.0
    last_elapsed: float = TICK_SECONDS
    carry: float = 0.0
    rate: float = 0.0
    slow_figures: dict[str, Any] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    url_warnings: list[str] = field(default_factory=list)
    initialised: bool = False
    ticking: bool = False
    fresh_frame: bool = False

    # --- lifecycle ----------------------------------------------------------------------------------------------
    def ensure_open(self) -> None:
        """Open the engine run for the current config if there is none."""
        if self.handle is None:
            self.handle = self.client.open(self.config, self.backend)
            self.data_version, self.surface_key, self.view = -1, (), None

    def reset(self) -> None:
        """Save the current run, then start a fresh one from the current settings."""
        self.autosave()
        self.close()
        self.playing = self.run_to_end = False
        self.run_id, self.carry, self.rate = None, 0.0, 0.0
        self.revision += 1
        self.ensure_open()

    def close(self) -> None:
        """Release the engine handle."""
        if self.handle is not None:
            self.client.close(self.handle)
            self.handle = None

    def release(self) -> None:
        """Session ended: keep the run in the store, then free the engine's memory."""
        self.playing = False
        try:
            self.autosave()
        finally:
            self.close()

    # --- changes --------------------------------------------------------------------------------------------------
    def change(self, **changes: Any) -> list[dict[str, Any]]:
        """Apply setting changes (checked here once; the engine restarts a run that has not stepped yet).

        The run carries on from its current w and b. Bad values raise ConfigError.
        """
        new_config = self.config.replace(**changes)
        events = self._with_engine(lambda handle: self.client.update(handle, **changes)) if self.handle else []
        self.config = new_config
        return events

    def set_backend(self, backend: str) -> None:
        """Switch eager/compiled mid-run."""
        if self.handle is not None:
            self._with_engine(lambda handle: self.client.set_backend(handle, backend))
        self.backend = backend

    # --- play control -------------------------------------------------------------------------------------------
    def play(self, to_end: bool = False) -> None:
        self.playing, self.run_to_end = True, to_end
        self.last_tick, self.carry, self.last_elapsed = time.perf_counter(), 0.0, TICK_SECONDS

    def pause(self) -> None:
        self.playing = self.run_to_end = False
        self.autosave()

    def step_once(self) -> None:
        self._with_engine(lambda handle: self.client.advance(handle, 1, max_seconds=5.0))

    def step_epoch(self) -> None:
        self._with_engine(lambda handle: self.client.step_epoch(handle))

    def steps_for_tick(self, now: float) -> tuple[int, float]:
        """How many steps this tick may take, and its time budget, at the chosen speed."""
        elapsed = min(max(now - self.last_tick, 0.0), 0.5) if self.last_tick else TICK_SECONDS
        self.last_tick, self.last_elapsed = now, max(elapsed, 1e-3)
        if self.run_to_end:
            return 10_000_000, RUN_TO_END_SECONDS
        if self.speed is AS_FAST_AS_POSSIBLE:
            return 10_000_000, MAX_TICK_SECONDS
        self.carry += self.speed * elapsed
        steps = int(self.carry)
        self.carry -= steps
        return steps, MAX_TICK_SECONDS

    def tick(self) -> dict[str, Any]:
        """Advance (when playing) and fetch the view; stops playing once the run ends or diverges."""
        self.ensure_open()
        started = time.perf_counter()
        steps, budget = self.steps_for_tick(started) if self.playing else (0, 0.0)
        view = self._with_engine(
            lambda handle: self.client.tick(
                handle,
                steps,
                budget,
                data_version=self.data_version,
                surface_key=self.surface_key,
                smoothing=self.smoothing,
                max_points=PLAYING_POINTS if self.playing else PAUSED_POINTS,
            )
        )
        self._absorb(view, time.perf_counter() - started)
        if self.playing and view["status"] != "running":
            self.playing = self.run_to_end = False
            self.autosave()
        return view

    def _absorb(self, view: dict[str, Any], seconds: float) -> None:
        if "samples" in view:
            self.samples, self.data_version = view["samples"], view["data_version"]
        if "surface" in view:
            self.surface, self.surface_key = view["surface"], tuple(view["surface_key"])
        made = view.get("made", 0)
        if self.playing:
            current = made / max(self.last_elapsed, seconds)
            self.rate = current if self.rate == 0 else 0.7 * self.rate + 0.3 * current
        self.view = view
        self.frame += 1

    # --- saving -------------------------------------------------------------------------------------------------
    def store_status(self) -> str:
        """running / paused / done / diverged, as the run store records it."""
        status = self.view["status"] if self.view else "running"
        if status == "running":
            return "running" if self.playing else "paused"
        return status

    def autosave(self) -> int | None:
        """Save (or re-save) this run in the store; runs with no steps are skipped. Never raises."""
        if self.handle is None or not self.view or self.view.get("steps_done", 0) == 0:
            return self.run_id
        try:
            self.run_id = self.client.save(self.handle, self.name or None, self.run_id, self.store_status())
        except (EngineError, ConfigError) as error:
            self.notices.append(f"Could not save this run to the run store: {error}")
        return self.run_id

    # --- engine failures ----------------------------------------------------------------------------------------
    def _with_engine(self, action: Any) -> Any:
        """Run an engine call; if the engine restarted, rebuild this run from its log and retry once."""
        self.ensure_open()
        try:
            return action(self.handle)
        except RunLostError:
            steps = self.view["steps_done"] if self.view else 0
            self.handle = self.client.rebuild(self.handle)
            self.data_version, self.surface_key = -1, ()
            self.notices.append(f"The engine restarted; this run was rebuilt from its log ({steps:,} steps replayed).")
            return action(self.handle)
