"""One browser session's live run: its engine handle, play state, pacing and autosave (no TensorFlow here)."""

from __future__ import annotations

import functools
import io
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.engine.client import EngineClient
from core.engine.errors import EngineError, RunLostError
from core.regression.config import ConfigError, RegressionConfig
from core.store.recovery import write_recovery
from core.store.store_errors import StoreError
from ui.live import closed_runs, race_state

TICK_SECONDS = 0.08  # a fragment tick every 80 ms: 10+ chart updates per second after timer jitter
PLAYING_POINTS = 1000  # per series while streaming (lighter for the browser); 2,000 when paused
PAUSED_POINTS = 2000
MAX_TICK_SECONDS = 0.05
RUN_TO_END_SECONDS = 0.25
AS_FAST_AS_POSSIBLE = None
MAX_ELAPSED_S = 1.5  # a tick makes up for at most this much time (the slowest paced interval is 1 s)


def _locked(method: Callable[..., Any]) -> Callable[..., Any]:
    """A LiveRun method that holds the run's lock."""

    @functools.wraps(method)
    def locked(self: LiveRun, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return locked


def new_run_key() -> str:
    """A key for one live run, from open to Reset: every save of it lands in one row of the store."""
    return f"live-{secrets.token_hex(8)}"


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
    carry: float = 0.0
    notices: list[str] = field(default_factory=list)
    url_warnings: list[str] = field(default_factory=list)
    initialised: bool = False
    ticking: bool = False
    fresh_frame: bool = False
    tick_seconds: float = 0.0  # how long the last tick took
    tick_started: float = 0.0
    tick_started_cpu: float = 0.0
    run_key: str = field(default_factory=new_run_key)
    save_error: str = ""  # why the last save failed; shown until a save succeeds
    saved_as: tuple = ()  # what the last successful save wrote (steps, status, config, name), to skip repeats
    browser: str | None = None  # a key for the browser this session runs in (see ui.live.closed_runs)
    previous_run: closed_runs.ClosedRun | None = None  # after a reload: what the closed session saved
    last_saved_id: int | None = None  # the id of the last run this session saved (kept after Reset)
    pending_reset: RegressionConfig | None = None  # a Reset waiting for the user: its save failed
    lanes: list[dict[str, Any]] = field(default_factory=list)  # a race's LaneSpec dicts (none or one: a single run)
    race_id: str = field(default_factory=race_state.new_race_id)  # the lanes' group id in the store
    lane_run_ids: list[int] = field(default_factory=list)  # each lane's stored run, once saved
    _save_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    # Held by a full script run, a fragment tick, a change, and a tick served over HTTP (ui/live/http_tick.py), which
    # runs outside the session's script thread: one at a time touches the run.
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    # --- lifecycle ----------------------------------------------------------------------------------------------
    @property
    def racing(self) -> bool:
        """Whether this run is a race of several lanes (ui.live.race_state)."""
        return len(self.lanes) > 1

    def ensure_open(self) -> None:
        """Open the engine run (or race) for the current config if there is none."""
        if self.handle is None:
            self.handle = race_state.open_race(self) if self.racing else self.client.open(self.config, self.backend)
            self.data_version, self.surface_key, self.view = -1, (), None

    @_locked
    def reset(self, config: RegressionConfig | None = None) -> bool:
        """Save the current run, then start a fresh one (from config, else the current settings).

        If the save fails, nothing is discarded: the run stays, pending_reset holds the request, and the page asks
        whether to keep the run or discard it. Returns whether it started over.
        """
        self.playing = self.run_to_end = False
        if not self.autosave():
            self.pending_reset = config or self.config
            return False
        self.start_over(config)
        return True

    @_locked
    def start_over(self, config: RegressionConfig | None = None) -> None:
        """Drop the current run (saved or discarded by the caller) and open a fresh one; a typed name goes with it."""
        self.close()
        if config is not None:
            self.config = config
        self.playing = self.run_to_end = False
        self.run_id, self.run_key, self.name, self.saved_as = None, new_run_key(), "", ()
        self.save_error, self.pending_reset = "", None
        self.race_id, self.lane_run_ids = race_state.new_race_id(), []
        self.carry = 0.0
        self.revision += 1
        self.ensure_open()

    def discard_and_reset(self) -> None:
        """The user chose to discard a run whose save failed: start over with the pending settings."""
        self.start_over(self.pending_reset)

    def keep_run(self) -> None:
        """The user chose to keep a run whose save failed: cancel the Reset; Save run tries again."""
        self.pending_reset = None

    def close(self) -> None:
        """Release the engine handle."""
        if self.handle is not None:
            self.client.close(self.handle)
            self.handle = None

    @_locked
    def release(self) -> None:
        """Session ended: keep the run in the store (or, if it can't be written, in a recovery file), then free it."""
        self.playing = self.run_to_end = False
        saved_id, steps = None, 0
        try:
            if not self.autosave():
                self._write_recovery()
            elif self.has_steps():
                saved_id, steps = self.run_id, self.view["steps_done"]
        finally:
            self.close()
            closed_runs.closed(self.browser, saved_id, steps)
            # If the session comes back (a dropped connection), it starts a new run rather than overwrite this one.
            self.run_id, self.run_key, self.saved_as, self.view = None, new_run_key(), (), None

    def _write_recovery(self) -> None:
        """Keep an unsaved run in a file beside the store (a race: a file per lane); the Compare page offers to
        import it."""
        try:
            if self.racing:
                race_state.write_race_recovery(self, self.handle, self.store_status())
                return
            trace = pd.read_csv(io.StringIO(self._with_engine(lambda handle: self.client.trace_csv(handle))))
            view = self.view
            run = {
                "config": view["config"],
                "status": self.store_status(),
                "events": view.get("events", []),
                "name": self.name or None,
                "message": view.get("message", ""),
                "final_loss": view.get("mean_loss"),
                **{name: trace[name].to_numpy() for name in ("step", "epoch", "w", "b", "loss")},
            }
            write_recovery(run)
        except (EngineError, OSError, ValueError, KeyError) as error:
            print(f"tapestream: a closed session's run could not be saved or kept: {error}", file=sys.stderr)

    # --- changes --------------------------------------------------------------------------------------------------
    @_locked
    def change(self, **changes: Any) -> list[dict[str, Any]]:
        """Apply setting changes (checked here once; the engine restarts a run that has not stepped yet).

        The run carries on from its current w and b. Bad values raise ConfigError.
        """
        new_config = self.config.replace(**changes)

        def update(handle: int) -> list[dict[str, Any]]:
            if self.racing:  # every lane; a lane keeps its own value of a field it sets
                return self.client.race(handle, "update_shared", changes=changes)
            return self.client.update(handle, **changes)

        events = self._with_engine(update) if self.handle else []
        self.config = new_config
        return events

    @_locked
    def set_backend(self, backend: str) -> None:
        """Switch eager/compiled mid-run."""
        if self.handle is not None:
            for index in range(len(self.lanes)) if self.racing else ():
                self._with_engine(
                    lambda handle, lane=index: self.client.race(handle, "set_backend", index=lane, backend=backend)
                )
            if not self.racing:
                self._with_engine(lambda handle: self.client.set_backend(handle, backend))
        self.backend = backend

    # --- play control -------------------------------------------------------------------------------------------
    @_locked
    def play(self, to_end: bool = False) -> None:
        self.playing, self.run_to_end = True, to_end
        self.last_tick, self.carry = time.perf_counter(), 0.0

    @_locked
    def pause(self) -> bool:
        """Stop here and save; returns whether the save succeeded."""
        self.playing = self.run_to_end = False
        return self.autosave()

    @_locked
    def step_once(self) -> None:
        if self.racing:
            self._with_engine(lambda handle: self.client.race(handle, "tick", n=1, max_seconds=5.0))
            return
        self._with_engine(lambda handle: self.client.advance(handle, 1, max_seconds=5.0))

    @_locked
    def step_epoch(self) -> None:
        if self.racing:
            self._with_engine(lambda handle: self.client.race(handle, "step_epoch"))
            return
        self._with_engine(lambda handle: self.client.step_epoch(handle))

    def steps_for_tick(self, now: float) -> tuple[int, float]:
        """How many steps this tick may take, and its time budget, at the chosen speed."""
        elapsed = min(max(now - self.last_tick, 0.0), MAX_ELAPSED_S) if self.last_tick else TICK_SECONDS
        self.last_tick = now
        if self.run_to_end:
            return 10_000_000, RUN_TO_END_SECONDS
        if self.speed is AS_FAST_AS_POSSIBLE:
            return 10_000_000, MAX_TICK_SECONDS
        self.carry += self.speed * elapsed
        steps = int(self.carry)
        self.carry -= steps
        return steps, MAX_TICK_SECONDS

    @_locked
    def tick(self, since: tuple[str, int] | None = None) -> dict[str, Any]:
        """Advance (when playing) and fetch the view; stops playing once the run ends or diverges.

        since (the engine's stream and the last step the charts hold) asks for only the rows after it.
        """
        self.ensure_open()
        started = time.perf_counter()
        steps, budget = self.steps_for_tick(started) if self.playing else (0, 0.0)
        tick = race_state.race_tick if self.racing else lambda _, *args, **kw: self.client.tick(*args, **kw)
        view = self._with_engine(
            lambda handle: tick(
                self,
                handle,
                steps,
                budget,
                data_version=self.data_version,
                surface_key=self.surface_key,
                smoothing=self.smoothing,
                max_points=PLAYING_POINTS if self.playing else PAUSED_POINTS,
                **({"since": since} if since is not None else {}),
            )
        )
        self._absorb(view)
        if self.playing and view["status"] != "running":
            self.playing = self.run_to_end = False
            self.autosave()
        return view

    def _absorb(self, view: dict[str, Any]) -> None:
        if "samples" in view:
            self.samples, self.data_version = view["samples"], view["data_version"]
        if "surface" in view:
            self.surface, self.surface_key = view["surface"], tuple(view["surface_key"])
        self.view = view
        self.frame += 1

    # --- saving -------------------------------------------------------------------------------------------------
    def has_steps(self) -> bool:
        """Whether the run has made any update (a run with none is never saved)."""
        return self.handle is not None and bool(self.view) and self.view.get("steps_done", 0) > 0

    def store_status(self) -> str:
        """paused / done / diverged, as the run store records it: a saved run is never left "running"."""
        status = self.view["status"] if self.view else "running"
        return "paused" if status == "running" else status

    def autosave(self) -> bool:
        """Save this run (its later saves append only new points); True if the store now holds it. Never raises.

        A failed save leaves the run in memory and its reason in save_error, shown until a save succeeds. A run
        whose stored row was deleted is saved again as a new run, with a notice. Saving what was already saved
        writes nothing.
        """
        if not self.has_steps():
            return True
        with self._save_lock:
            status = self.store_status()
            wrote = (self.handle, self.view["steps_done"], status, self.config, self.name)
            if wrote == self.saved_as and not self.save_error:
                return True
            try:
                run_id = self._with_engine(
                    lambda handle: (
                        race_state.save_race(self, handle, status)
                        if self.racing
                        else self.client.save(handle, self.name or None, self.run_id, status, self.run_key)
                    )
                )
            except (EngineError, ConfigError, StoreError) as error:
                self.save_error = f"This run is not saved: could not save it to the run store ({error})."
                return False
            if self.run_id is not None and run_id != self.run_id:
                self.notices.append(
                    f"Run #{self.run_id} had been deleted from the run store, so this run was saved as a new run "
                    f"#{run_id}."
                )
            self.run_id, self.last_saved_id, self.saved_as, self.save_error = run_id, run_id, wrote, ""
            return True

    # --- engine failures ----------------------------------------------------------------------------------------
    @_locked
    def _with_engine(self, action: Any) -> Any:
        """Run an engine call; if the engine restarted, rebuild this run from its log and retry once."""
        self.ensure_open()
        try:
            return action(self.handle)
        except RunLostError:
            steps = self.view["steps_done"] if self.view else 0
            if self.racing:  # each lane is replayed from what the last view holds (race_state.rebuild_race)
                self.handle, self.data_version, self.surface_key = None, -1, ()
                if race_state.rebuild_race(self):
                    self.notices.append(f"The engine restarted; this race was rebuilt ({steps:,} steps replayed).")
                else:
                    self.notices.append(f"The engine restarted; this race ({steps:,} steps) was lost and starts again.")
                return action(self.handle)
            self.handle = self.client.rebuild(self.handle)
            self.data_version, self.surface_key = -1, ()
            self.notices.append(f"The engine restarted; this run was rebuilt from its log ({steps:,} steps replayed).")
            return action(self.handle)
