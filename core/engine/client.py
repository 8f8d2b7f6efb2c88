"""EngineClient: talks to the engine process(es) that own all TensorFlow work; importing it never loads TF."""

from __future__ import annotations

import itertools
import os
import threading
import zlib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.engine.errors import EngineCallError, EngineError, RunLostError
from core.engine.task_pool import TaskPool, task_pool_size_from_env
from core.engine.worker import EngineWorker
from core.regression.config import ConfigError, RegressionConfig
from core.regression.dataset import Dataset

DEFAULT_TIMEOUT_S = 60.0
POOL_SIZE_ENV = "TAPESTREAM_ENGINE_POOL"


@dataclass
class RunLog:
    """Enough to rebuild a run in a fresh engine: its start, every change with its step, and steps made."""

    config: dict[str, Any]
    backend: str
    updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    steps: int = 0


@dataclass
class HandleInfo:
    """Where a client handle lives: which engine, which of its lives, and its id there."""

    worker: int
    generation: int
    remote: int
    log: RunLog


def default_pool_size(cpus: int | None = None) -> int:
    """Live engines for this machine: half its CPUs, at least 1 (the Streamlit process needs cores of its own)."""
    return max(1, (cpus if cpus is not None else os.cpu_count() or 1) // 2)


def pool_size_from_env() -> int:
    """TAPESTREAM_ENGINE_POOL live engine processes (default: half the CPUs, at least 1; at most the CPUs)."""
    text = os.environ.get(POOL_SIZE_ENV, "").strip() or str(default_pool_size())
    try:
        size = int(text)
    except ValueError:
        raise ConfigError(POOL_SIZE_ENV, text, f"must be a whole number in [1, {os.cpu_count() or 1}]") from None
    if not 1 <= size <= max(1, os.cpu_count() or 1):
        raise ConfigError(POOL_SIZE_ENV, text, f"must be a whole number in [1, {os.cpu_count() or 1}]")
    return size


class EngineClient:
    """Plain-data API to the engine processes; thread-safe, shared by every browser session of a server.

    Live runs live in `workers` (TAPESTREAM_ENGINE_POOL processes); one-shot tasks run in `tasks`, a separate
    pool of TAPESTREAM_TASK_POOL processes, so a long sweep never holds up a live run's ticks, and a task that
    overruns its timeout costs only its own engine. No call waits longer than `wait` (default: its timeout) for
    an engine that another caller holds: it raises EngineBusyError instead.
    """

    def __init__(
        self,
        pool_size: int | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
        task_pool_size: int | None = None,
        wait: float | None = None,
    ) -> None:
        size = pool_size_from_env() if pool_size is None else pool_size
        self.workers = [EngineWorker(index) for index in range(size)]
        self.tasks = TaskPool(task_pool_size_from_env() if task_pool_size is None else task_pool_size)
        self.timeout = timeout
        self.wait = wait
        self.handles: dict[int, HandleInfo] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._round_robin = itertools.count()
        self.datasets: dict[str, Dataset] = {}  # users' data sets by hash, kept here to re-send after a restart
        self._sent: set[tuple[int, int, str]] = set()  # (worker, generation, hash) already holding a data set

    # --- data sets ----------------------------------------------------------------------------------------------
    def put_data(self, dataset: Dataset) -> str:
        """Register a user's data set; returns its content hash, which configs name as data_hash.

        Nothing travels yet: a run's engine gets the data once, when a run first names its hash (open or
        update), and again only if that engine restarts. Ticks never carry it.
        """
        self.datasets.setdefault(dataset.hash, dataset)
        return dataset.hash

    def _stored_dataset(self, data_hash: str) -> Dataset | None:
        """A data set saved with a run in the store (Open in Live, a race), kept here once found; None if absent."""
        from core.store.run_store import RunStore, StoreError

        try:
            with RunStore() as store:
                found = store.dataset(data_hash)
        except StoreError:
            return None
        if found is not None:
            self.datasets.setdefault(data_hash, found)
        return found

    def _ensure_data(self, index: int, data_hash: str) -> None:
        """Send a data set to a live engine unless this life of it already holds it."""
        if not data_hash:
            return
        dataset = self.datasets.get(data_hash) or self._stored_dataset(data_hash)
        if dataset is None:
            raise ConfigError("data_hash", data_hash, "this data set was never uploaded here; upload the CSV again")
        worker = self.workers[index]
        worker.check()
        if (index, worker.generation, data_hash) in self._sent:
            return
        _, generation = worker.request("put_data", {"dataset": dataset.to_payload()}, *self._limits())
        with self._lock:
            self._sent.add((index, generation, data_hash))

    # --- runs --------------------------------------------------------------------------------------------------
    def open(self, config: RegressionConfig | dict, backend: str = "compiled", affinity: str | None = None) -> int:
        """Start a trainer in an engine; returns a handle. Bad configs raise ConfigError."""
        config_dict = config.to_dict() if isinstance(config, RegressionConfig) else dict(config)
        RegressionConfig.from_dict(config_dict)  # validate here, without TensorFlow
        index = self._pick_worker(affinity)
        self._ensure_data(index, config_dict.get("data_hash", ""))
        worker = self.workers[index]
        worker.check()
        remote, generation = worker.request("open", {"config": config_dict, "backend": backend}, *self._limits())
        handle = next(self._ids)
        with self._lock:
            self.handles[handle] = HandleInfo(index, generation, remote, RunLog(config_dict, backend))
        return handle

    def open_race(
        self, config: RegressionConfig | dict, lanes: list[dict[str, Any]], affinity: str | None = None
    ) -> int:
        """Start a race (lanes: core.race.lane_specs.LaneSpec dicts) in an engine; returns its handle.

        The handle serves every run call for the race's first lane; race() serves the race itself. After an engine
        restart its calls raise RunLostError, and the page replays its lanes ("replay": ui.live.race_state).
        """
        config_dict = config.to_dict() if isinstance(config, RegressionConfig) else dict(config)
        RegressionConfig.from_dict(config_dict)
        index = self._pick_worker(affinity)
        self._ensure_data(index, config_dict.get("data_hash", ""))
        worker = self.workers[index]
        worker.check()
        payload = {"config": config_dict, "lanes": list(lanes)}
        remote, generation = worker.request("open_race", payload, *self._limits())
        handle = next(self._ids)
        with self._lock:
            self.handles[handle] = HandleInfo(index, generation, remote, RunLog(config_dict, "race"))
        return handle

    def race(self, handle: int, action: str, **payload: Any) -> Any:
        """One race request (core.race.service.ACTIONS): tick, view, update_lane, update_shared, relabel, ..."""
        return self._call(handle, "race", {"action": action, "payload": payload})

    def step(self, handle: int, n: int) -> pd.DataFrame:
        """Advance n steps; returns the new rows (step, epoch, w, b, loss)."""
        columns = self._call(handle, "step", {"n": n})
        rows = pd.DataFrame(columns)
        self.handles[handle].log.steps += len(rows)
        return rows

    def advance(self, handle: int, n: int, max_seconds: float = 0.25) -> int:
        """Advance up to n steps within about max_seconds; returns how many were made."""
        made = self._call(handle, "advance", {"n": n, "max_seconds": max_seconds})
        self.handles[handle].log.steps += made
        return made

    def tick(self, handle: int, n: int, max_seconds: float = 0.08, **view: Any) -> dict[str, Any]:
        """One live update in one round trip: advance up to n steps within max_seconds, then view()."""
        result = self._call(handle, "tick", {"n": n, "max_seconds": max_seconds, **view})
        self.handles[handle].log.steps += result["made"]
        return result

    def step_epoch(self, handle: int, max_seconds: float = 10.0) -> int:
        """Advance to the end of the current epoch (or for max_seconds); returns steps made."""
        made = self._call(handle, "step_epoch", {"max_seconds": max_seconds})
        self.handles[handle].log.steps += made
        return made

    def set_backend(self, handle: int, backend: str) -> None:
        """Switch a live run's backend (eager or compiled) without losing its state."""
        self._call(handle, "set_backend", {"backend": backend})
        self.handles[handle].log.backend = backend

    def update(self, handle: int, **changes: Any) -> list[dict[str, Any]]:
        """Change settings mid-run (from the next step; before step 1 the run restarts); returns the events."""
        info = self.handles.get(handle)
        if info is not None and changes.get("data_hash"):
            self._ensure_data(info.worker, changes["data_hash"])
        events = self._call(handle, "update", {"changes": changes})
        log = self.handles[handle].log
        log.updates.append((log.steps, dict(changes)))
        return events

    def steps_taken(self, handle: int) -> int:
        """Steps this client has advanced the run by (no engine round trip)."""
        info = self.handles.get(handle)
        return 0 if info is None else info.log.steps

    def state(self, handle: int) -> dict[str, Any]:
        """Status, message, events, current w, b and loss, least-squares optimum and the data points."""
        return self._call(handle, "state", {})

    def view(self, handle: int, **options: Any) -> dict[str, Any]:
        """Downsampled series and all a live chart draws; options: max_points, data_version, surface_key, smoothing."""
        return self._call(handle, "view", options)

    def inspect(self, handle: int, step: int) -> dict[str, Any]:
        """The record of update step `step` (1 to steps done), replayed exactly in the engine."""
        return self._call(handle, "inspect", {"step": int(step)})

    def trace_csv(self, handle: int) -> str:
        """The full trace as CSV text."""
        return self._call(handle, "trace_csv", {})

    def export_script(self, handle: int) -> str:
        """A standalone TensorFlow script that reproduces this run."""
        return self._call(handle, "export_script", {})

    def save(
        self,
        handle: int,
        name: str | None = None,
        run_id: int | None = None,
        status: str | None = None,
        run_key: str | None = None,
    ) -> int:
        """Save the run in the run store (TAPESTREAM_DB as seen here), updating run_id if given; returns its id.

        Later saves of a run append only its new points; run_key makes every save of one live run one row.
        """
        from core.store.run_store import default_db_path

        kwargs = {"db_path": str(default_db_path()), "name": name, "run_id": run_id, "status": status}
        if run_key is not None:
            kwargs["run_key"] = run_key
        return self._call(handle, "save", kwargs)

    def close(self, handle: int) -> None:
        """Release a handle (a no-op if it is already gone)."""
        with self._lock:
            info = self.handles.pop(handle, None)
        if info is None:
            return
        worker = self.workers[info.worker]
        if worker.alive() and worker.generation == info.generation:
            try:
                worker.request("close", {"handle": info.remote}, *self._limits(), generation=info.generation)
            except EngineError:
                pass

    def rebuild(self, handle: int) -> int:
        """Re-create a lost run in a fresh engine by replaying its log; returns the new handle."""
        log = self.handles[handle].log
        affinity_worker = self.handles[handle].worker
        new = self.open(log.config, log.backend, affinity=None if len(self.workers) == 1 else str(affinity_worker))
        for at_step, changes in log.updates:
            self._advance_to(new, at_step)
            self.update(new, **changes)
        self._advance_to(new, log.steps)
        with self._lock:
            self.handles.pop(handle, None)
        return new

    def _advance_to(self, handle: int, target: int) -> None:
        while self.handles[handle].log.steps < target:
            if self.advance(handle, target - self.handles[handle].log.steps, max_seconds=5.0) == 0:
                break

    # --- one-shot tasks and diagnostics -------------------------------------------------------------------------
    def task(self, name: str, payload: dict[str, Any], timeout: float | None = None, wait: float | None = None) -> Any:
        """Run a one-shot TensorFlow task (example, card, grad, sweep, tensorboard) in a task engine.

        Waits at most `wait` seconds (default: the client's wait, else the timeout) for a free task engine, then
        raises EngineBusyError; then at most `timeout` seconds for the answer, else the task engine is restarted
        and EngineError raised.
        """
        limit = timeout or self.timeout
        patience = next(seconds for seconds in (wait, self.wait, limit) if seconds is not None)
        return self.tasks.run(name, payload, limit, patience)

    def example(self, name: str, inputs: dict[str, Any] | None = None) -> dict[str, Any]:
        """One of the tutorial's GradientTape examples, run for real."""
        return self.task("example", {"name": name, "inputs": inputs})

    def stats(self, worker: int = 0) -> dict[str, Any]:
        """The live engine's pid, open handles and memory."""
        return self.workers[worker].call("stats", {}, *self._limits())

    def engine_pids(self) -> list[int | None]:
        """Process ids of the live runs' engines (None where not started)."""
        processes = [worker.process for worker in self.workers]
        return [process.pid if process is not None and process.is_alive() else None for process in processes]

    def task_engine_pids(self) -> list[int | None]:
        """Process ids of the task engines (None where not started)."""
        return self.tasks.pids()

    def shutdown(self) -> None:
        """Stop every engine process, live and task."""
        for worker in self.workers:
            worker.shutdown()
        self.tasks.shutdown()

    # --- internals ----------------------------------------------------------------------------------------------
    def _limits(self) -> tuple[float, float]:
        """(timeout, wait) for a live engine request."""
        return self.timeout, self.timeout if self.wait is None else self.wait

    def _pick_worker(self, affinity: str | None) -> int:
        if len(self.workers) == 1:
            return 0
        if affinity is not None:
            return zlib.crc32(affinity.encode()) % len(self.workers)
        return next(self._round_robin) % len(self.workers)

    def _call(self, handle: int, method: str, kwargs: dict[str, Any]) -> Any:
        info = self.handles.get(handle)
        if info is None:
            raise EngineError(f"run handle {handle} is closed or unknown; open a new run")
        worker = self.workers[info.worker]
        worker.check()
        if worker.generation != info.generation:
            raise RunLostError("the engine restarted; this run was lost (it can be rebuilt from its log)")
        try:
            return worker.request(method, {"handle": info.remote, **kwargs}, *self._limits(), info.generation)[0]
        except EngineCallError as error:
            if error.type == "UnknownHandleError":
                raise RunLostError(f"this run is gone from the engine: {error.message}") from None
            raise
        except RunLostError:
            raise
        except EngineError as error:
            if worker.generation != info.generation:
                raise RunLostError(f"the engine restarted; this run was lost ({error})") from error
            raise
