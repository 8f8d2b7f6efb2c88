"""The engine process: owns every Trainer and all TensorFlow work, serving the client's requests over a pipe."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

from core.regression.config import ConfigError, RegressionConfig

IDLE_EVICT_SECONDS = float(os.environ.get("TAPESTREAM_ENGINE_IDLE_S", "1800"))
POLL_SECONDS = 5.0
MAX_ADVANCE_SECONDS = 10.0


class UnknownHandleError(LookupError):
    """The handle was closed, evicted after idling, or never opened."""


@dataclass
class Entry:
    """A live trainer and what the engine caches for its charts."""

    trainer: Any
    last_used: float = field(default_factory=time.monotonic)
    surface_key: tuple = ()
    surface: Any = None
    ema: Any = None
    extent: Any = None
    optimum_key: tuple = ()
    optimum_loss: float = 0.0
    race: Any = None  # a core.race.race.Race whose first lane is trainer (see core.race.service)


class Engine:
    """Dispatches named requests to trainers and one-shot tasks; runs inside the engine process."""

    def __init__(self, idle_seconds: float = IDLE_EVICT_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self.entries: dict[int, Entry] = {}
        self.next_id = 1
        self.started = time.time()
        self.datasets: dict[str, Any] = {}  # the users' data sets by content hash, each sent once (put_data)

    def entry(self, handle: int) -> Entry:
        """The live entry for a handle, touched as used."""
        found = self.entries.get(handle)
        if found is None:
            raise UnknownHandleError(
                f"run {handle} is not open in the engine (closed, or evicted after {self.idle_seconds:.0f} s idle)"
            )
        found.last_used = time.monotonic()
        return found

    def evict_idle(self) -> list[int]:
        """Drop trainers unused for idle_seconds; returns their handles."""
        cutoff = time.monotonic() - self.idle_seconds
        stale = [handle for handle, entry in self.entries.items() if entry.last_used < cutoff]
        for handle in stale:
            del self.entries[handle]
        return stale

    # --- trainer lifecycle -------------------------------------------------------------------------------------
    def open(self, config: dict, backend: str = "compiled") -> int:
        from core.regression.trainer import Trainer

        trainer = Trainer(RegressionConfig.from_dict(config), backend=backend, datasets=self.datasets)
        handle = self.next_id
        self.next_id += 1
        self.entries[handle] = Entry(trainer)
        _warm_replay(trainer)
        return handle

    def put_data(self, dataset: dict[str, Any]) -> str:
        """Keep a user's data set (core.regression.dataset payload) for the runs that name its hash."""
        from core.regression.dataset import Dataset

        kept = Dataset.from_payload(dataset)
        self.datasets.setdefault(kept.hash, kept)
        return kept.hash

    def close(self, handle: int) -> bool:
        return self.entries.pop(handle, None) is not None

    def step(self, handle: int, n: int) -> dict[str, Any]:
        rows = self.entry(handle).trainer.step(n)
        return {name: rows[name].to_numpy() for name in rows.columns}

    def advance(self, handle: int, n: int, max_seconds: float = 0.25) -> int:
        """Up to n steps, stopping early once max_seconds have passed (eager runs are slow)."""
        trainer = self.entry(handle).trainer
        deadline = time.perf_counter() + min(max(max_seconds, 0.0), MAX_ADVANCE_SECONDS)
        before = trainer.steps_done
        chunk = 4096 if trainer.backend == "compiled" else 8
        while trainer.steps_done - before < n and trainer.status == "running":
            trainer.advance(min(chunk, n - (trainer.steps_done - before)))
            if time.perf_counter() >= deadline:
                break
            chunk = min(chunk * 2, 1 << 20) if trainer.backend == "compiled" else chunk
        return trainer.steps_done - before

    def tick(self, handle: int, n: int, max_seconds: float = 0.08, smoothing: float = 0.0, **view: Any) -> dict:
        """One live-page update: advance up to n steps within max_seconds, then return the view (since: see view)."""
        made = self.advance(handle, n, max_seconds) if n > 0 else 0
        return {**self.view(handle, smoothing=smoothing, **view), "made": made}

    def step_epoch(self, handle: int, max_seconds: float = MAX_ADVANCE_SECONDS) -> int:
        """Steps until the current epoch ends (or max_seconds pass); returns how many were made."""
        return self.advance(handle, self.entry(handle).trainer.steps_left_in_epoch, max_seconds)

    def set_backend(self, handle: int, backend: str) -> str:
        """Switch a live run between the eager and compiled backends; its state carries over exactly."""
        from core.regression.fields import BACKEND_NAMES

        if backend not in BACKEND_NAMES:
            raise ConfigError("backend", backend, f"must be one of {', '.join(BACKEND_NAMES)}")
        self.entry(handle).trainer.backend = backend
        _warm_replay(self.entry(handle).trainer)
        return backend

    def update(self, handle: int, changes: dict[str, Any]) -> list[dict[str, Any]]:
        events = self.entry(handle).trainer.update(**changes)
        _warm_replay(self.entry(handle).trainer)
        return [event._asdict() for event in events]

    def state(self, handle: int) -> dict[str, Any]:
        from core.regression import live_view

        trainer = self.entry(handle).trainer
        x, y = trainer.arrays
        return {
            **self._summary(trainer),
            "mean_loss": live_view.data_mean_loss(trainer),
            "data": {"x": x.copy(), "y": y.copy()} if len(x) <= 100_000 else live_view.samples(trainer),
        }

    def view(
        self,
        handle: int,
        max_points: int = 2000,
        data_version: int = -1,
        surface_key: tuple = (),
        smoothing: float = 0.0,
        since: tuple | list | None = None,
    ) -> dict:
        """Everything the live page draws; samples and surface only when they changed.

        ``stream`` names the series this view continues. Given ``since = (stream, step)`` from an earlier view of
        the same stream, ``new`` holds only the rows after that step (see live_view.new_rows) instead of the
        whole downsampled ``series``, ``smoothed_loss`` and ``trajectory``. Any break (another run, new data, a
        restart at step 0, another smoothing, an engine restart) sends the whole series again.
        """
        from core.regression import live_view
        from core.regression.smoothing import EmaCache

        entry = self.entry(handle)
        trainer = entry.trainer
        if entry.ema is None:
            entry.ema, entry.extent = EmaCache(), live_view.PathExtent()
        drawn = entry.surface_key[2] if entry.surface_key[:2] == (trainer.data_version, trainer.config.loss) else ()
        box = live_view.surface_box(trainer, entry.extent.update(trainer), keep=drawn)
        key = (trainer.data_version, trainer.config.loss, box)
        if key != entry.surface_key:
            entry.surface_key, entry.surface = key, live_view.surface(trainer, box)
        if entry.optimum_key != key[:2]:
            entry.optimum_key = key[:2]
            entry.optimum_loss = live_view.data_mean_loss(trainer, trainer.least_squares)
        stream = f"{self.started:.6f}/{handle}/{trainer.data_version}/{smoothing:g}"
        view = {
            **self._summary(trainer),
            "mean_loss": live_view.data_mean_loss(trainer),
            "optimum_loss": entry.optimum_loss,
            "batch": live_view.current_batch(trainer),
            "data_version": trainer.data_version,
            "surface_key": key,
            "stream": stream,
        }
        if since is not None and since[0] == stream and 0 <= int(since[1]) <= trainer.steps_done:
            view["new"] = live_view.new_rows(trainer, entry.ema, smoothing, int(since[1]))
        else:
            view["series"] = live_view.series(trainer, max_points)
            view["smoothed_loss"] = live_view.smoothed_loss(trainer, entry.ema, smoothing, max_points)
            view["trajectory"] = live_view.trajectory(trainer, max_points)
        if data_version != trainer.data_version:
            view["samples"] = live_view.samples(trainer)
        if tuple(surface_key) != key:
            surface = entry.surface
            view["surface"] = {"w": surface.w_values, "b": surface.b_values, "loss": surface.loss}
        return view

    @staticmethod
    def _summary(trainer: Any) -> dict[str, Any]:
        from core.regression import live_view

        last = trainer.trace_column("loss")
        return {
            "status": trainer.status,
            "message": trainer.message,
            "config": live_view.chart_config(trainer),
            "true_line": live_view.has_true_line(trainer.config),
            "fit": live_view.fit(trainer),
            "converged_step": trainer.converged_step,
            "backend": trainer.backend,
            "events": [event._asdict() for event in trainer.events],
            "steps_done": trainer.steps_done,
            "total_steps": trainer.total_steps,
            "epoch": trainer.epoch,
            "w": trainer.w,
            "b": trainer.b,
            "loss": float(last[-1]),
            "optimum": trainer.least_squares,
            "max_stable_learning_rate": trainer.max_stable_learning_rate,
        }

    def inspect(self, handle: int, step: int) -> dict[str, Any]:
        """Step `step` of the run replayed exactly (core.regression.step_replay): sample, gradients, update."""
        from core.regression.step_replay import inspect_step

        return inspect_step(self.entry(handle).trainer, step)

    def trace_csv(self, handle: int) -> str:
        return self.entry(handle).trainer.trace.to_csv(index=False)

    def export_script(self, handle: int) -> str:
        from core.regression.script_export import export_script

        entry = self.entry(handle)
        if entry.race is not None:  # every lane of a race, each with its events
            return self.race(handle, "export_script", {})
        trainer = entry.trainer
        return export_script(trainer.initial_config, trainer.events, trainer.steps_done, dataset=trainer.dataset)

    def save(
        self,
        handle: int,
        db_path: str,
        name: str | None = None,
        run_id: int | None = None,
        status: str | None = None,
        run_key: str | None = None,
    ) -> int:
        """Save the run into the store at db_path (the Streamlit process decides where runs live)."""
        from core.store.run_saving import save_trainer
        from core.store.run_store import RunStore

        trainer = self.entry(handle).trainer
        with RunStore(db_path) as store:
            return save_trainer(trainer, name=name, run_id=run_id, status=status, store=store, run_key=run_key)

    def open_race(self, config: dict, lanes: list[dict]) -> int:
        """Start a race of lanes over a base config (core.race.service); returns its handle."""
        from core.race.service import race_entry

        handle = self.next_id
        self.next_id += 1
        self.entries[handle] = Entry(**race_entry(config, lanes, self.datasets))
        return handle

    def race(self, handle: int, action: str, payload: dict[str, Any]) -> Any:
        """A race's own requests (tick, lane changes, save, export): core.race.service.ACTIONS."""
        from core.race.service import race_request

        return race_request(self, handle, action, payload)

    # --- one-shot tasks ----------------------------------------------------------------------------------------
    def task(self, name: str, payload: dict[str, Any]) -> Any:
        from core.engine.tasks import TASKS

        if name not in TASKS:
            raise ConfigError("task", name, f"must be one of {', '.join(TASKS)}")
        return TASKS[name](payload)

    def stats(self) -> dict[str, Any]:
        import resource

        return {
            "pid": os.getpid(),
            "handles": len(self.entries),
            "rss_mb": _current_rss_mb(),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "uptime_s": time.time() - self.started,
        }


METHODS = (
    "open",
    "put_data",
    "close",
    "step",
    "advance",
    "tick",
    "step_epoch",
    "set_backend",
    "update",
    "state",
    "view",
    "inspect",
    "trace_csv",
    "export_script",
    "save",
    "task",
    "stats",
    "open_race",
    "race",
)


def _warm_replay(trainer: Any) -> None:
    """Compile the run's step replay in the background, so its first inspect answers warm (step_warmup)."""
    from core.regression.step_warmup import warm_in_background

    warm_in_background(trainer)


def _current_rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def error_payload(error: BaseException) -> dict[str, Any]:
    """A structured, picklable description of an exception raised by a request."""
    payload = {"type": type(error).__name__, "message": str(error)}
    if isinstance(error, ConfigError):
        payload.update(field=error.field, value=error.value, allowed=error.allowed)
    return payload


def serve(connection: Any, idle_seconds: float = IDLE_EVICT_SECONDS) -> None:
    """The engine process's main loop: answer (id, method, kwargs) requests until the pipe closes."""
    from core.engine.tf_setup import configure_tensorflow

    configure_tensorflow()
    engine = Engine(idle_seconds)
    while True:
        try:
            if not connection.poll(POLL_SECONDS):
                engine.evict_idle()
                continue
            request_id, method, kwargs = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            if method not in METHODS:
                raise ConfigError("method", method, f"must be one of {', '.join(METHODS)}")
            reply = (request_id, True, getattr(engine, method)(**kwargs))
        except Exception as error:  # every failure travels back as data, never kills the engine
            reply = (request_id, False, error_payload(error))
        try:
            connection.send(reply)
        except (OSError, ValueError) as error:
            try:
                connection.send((request_id, False, error_payload(error)))
            except OSError:
                return
        engine.evict_idle()
