"""The task engines: processes apart from the live runs' engines, lent to one-shot tasks first come, first served."""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from typing import Any

from core.engine.errors import EngineBusyError
from core.engine.tasks import LONG_TASKS
from core.engine.worker import EngineWorker
from core.regression.config import ConfigError

TASK_POOL_ENV = "TAPESTREAM_TASK_POOL"
DEFAULT_TASK_POOL = 2
LANES = ("quick", "long")


def task_pool_size_from_env() -> int:
    """TAPESTREAM_TASK_POOL task engine processes (default 2, at most max(2, the number of CPUs))."""
    limit = max(2, os.cpu_count() or 1)
    text = os.environ.get(TASK_POOL_ENV, str(DEFAULT_TASK_POOL))
    try:
        size = int(text)
    except ValueError:
        raise ConfigError(TASK_POOL_ENV, text, f"must be a whole number in [1, {limit}]") from None
    if not 1 <= size <= limit:
        raise ConfigError(TASK_POOL_ENV, text, f"must be a whole number in [1, {limit}]")
    return size


def lane_of(name: str) -> str:
    """ "long" for sweeps and TensorBoard exports, "quick" for every other task."""
    return "long" if name in LONG_TASKS else "quick"


class TaskPool:
    """Task engines, started lazily; each lane's callers are served in arrival order, and every wait is bounded.

    Long tasks may hold at most size - 1 engines (1 if size is 1). A task that overruns its timeout gets its
    engine killed and restarted; the live runs' engines never see it.
    """

    def __init__(self, size: int) -> None:
        self.workers = [EngineWorker(index, role="task") for index in range(size)]
        self.long_limit = max(1, size - 1)
        self.lent: dict[int, str] = {}
        self.queues: dict[str, deque[object]] = {lane: deque() for lane in LANES}
        self.changed = threading.Condition()

    def run(self, name: str, payload: dict[str, Any], timeout: float, wait: float) -> Any:
        """Run one task on a free task engine, waiting at most `wait` s for one and `timeout` s for the answer."""
        index = self.borrow(lane_of(name), wait, name)
        try:
            return self.workers[index].call("task", {"name": name, "payload": payload}, timeout)
        finally:
            self.give_back(index)

    def borrow(self, lane: str, wait: float, name: str = "task") -> int:
        """Take a free engine for `lane` when this caller is first in its lane; EngineBusyError after `wait` s."""
        ticket = object()
        deadline = time.monotonic() + max(wait, 0.0)
        with self.changed:
            queue = self.queues[lane]
            queue.append(ticket)
            try:
                while True:
                    index = self._free(lane) if queue[0] is ticket else None
                    if index is not None:
                        self.lent[index] = lane
                        return index
                    left = deadline - time.monotonic()
                    if left <= 0:
                        ahead = queue.index(ticket)
                        raise EngineBusyError(
                            f"the engine is busy with other tasks ({len(self.lent)} running, {ahead} waiting ahead "
                            f"of this one); {name!r} waited {wait:.0f} s without starting, so try again in a moment"
                        )
                    self.changed.wait(left)
            finally:
                queue.remove(ticket)
                self.changed.notify_all()

    def give_back(self, index: int) -> None:
        """Return a borrowed engine and wake the waiting callers."""
        with self.changed:
            self.lent.pop(index, None)
            self.changed.notify_all()

    def running(self) -> dict[str, int]:
        """How many engines each lane holds right now."""
        with self.changed:
            return {lane: sum(1 for held in self.lent.values() if held == lane) for lane in LANES}

    def pids(self) -> list[int | None]:
        """Process ids of the task engines (None where not started)."""
        processes = [worker.process for worker in self.workers]
        return [process.pid if process is not None and process.is_alive() else None for process in processes]

    def shutdown(self) -> None:
        """Stop every task engine (one still busy after a few seconds is killed)."""
        for worker in self.workers:
            worker.shutdown()

    def _free(self, lane: str) -> int | None:
        if lane == "long" and sum(1 for held in self.lent.values() if held == "long") >= self.long_limit:
            return None
        free = [index for index in range(len(self.workers)) if index not in self.lent]
        started = [index for index in free if self.workers[index].alive()]
        return (started or free or [None])[0]
