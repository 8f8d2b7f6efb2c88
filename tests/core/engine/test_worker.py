"""core.engine.worker: one spawned engine process, started lazily, answering, restarted when killed, waits bounded."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

import pytest

from core.engine.errors import EngineBusyError, EngineCallError, RunLostError
from core.engine.worker import EngineWorker
from core.regression.config import ConfigError

TIMEOUT_S = 60.0


@pytest.fixture
def worker() -> EngineWorker:
    engine = EngineWorker(3)
    yield engine
    engine.shutdown()


def test_the_process_starts_on_the_first_call_and_answers(worker: EngineWorker) -> None:
    main = sys.modules["__main__"]
    before = {name: main.__dict__.get(name) for name in ("__file__", "__spec__")}
    assert worker.process is None and not worker.alive()
    stats = worker.call("stats", {}, TIMEOUT_S)
    assert {name: main.__dict__.get(name) for name in before} == before  # spawn's __main__ hiding is undone
    assert worker.alive() and stats["pid"] == worker.process.pid != os.getpid()
    assert worker.process.name == "tapestream-engine-3" and worker.generation == 0
    handle = worker.call("open", {"config": {"n_samples": 20, "epochs": 1}}, TIMEOUT_S)
    rows = worker.call("step", {"handle": handle, "n": 4}, TIMEOUT_S)
    assert rows["step"].tolist() == [1, 2, 3, 4]
    assert worker.call("stats", {}, TIMEOUT_S)["pid"] == stats["pid"]  # the same process answers every call


def test_errors_come_back_as_config_errors_or_engine_call_errors(worker: EngineWorker) -> None:
    with pytest.raises(ConfigError) as caught:
        worker.call("open", {"config": {"learning_rate": -1}}, TIMEOUT_S)
    assert caught.value.field == "learning_rate" and caught.value.value == -1
    with pytest.raises(EngineCallError) as unknown:
        worker.call("step", {"handle": 99, "n": 1}, TIMEOUT_S)
    assert unknown.value.type == "UnknownHandleError" and "run 99" in unknown.value.message
    assert worker.alive() and worker.generation == 0


def test_a_killed_process_is_buried_and_the_next_call_starts_a_new_one(worker: EngineWorker) -> None:
    first = worker.call("stats", {}, TIMEOUT_S)["pid"]
    os.kill(first, signal.SIGKILL)
    worker.process.join(timeout=10)
    worker.check()
    assert worker.process is None and worker.generation == 1 and worker.last_exit == -signal.SIGKILL
    second = worker.call("stats", {}, TIMEOUT_S)
    assert second["pid"] != first and second["handles"] == 0 and worker.generation == 1
    os.kill(second["pid"], signal.SIGKILL)
    worker.process.join(timeout=10)
    assert worker.call("stats", {}, TIMEOUT_S)["pid"] not in (first, second["pid"])  # call() notices by itself
    assert worker.generation == 2


def test_shutdown_stops_the_process(worker: EngineWorker) -> None:
    worker.call("stats", {}, TIMEOUT_S)
    process = worker.process
    worker.shutdown()
    deadline = time.monotonic() + 10
    while process.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process.is_alive() and worker.process is None and not worker.alive()


def test_a_wait_for_a_busy_engine_is_bounded_and_says_so(worker: EngineWorker) -> None:
    handle = worker.call("open", {"config": {"n_samples": 100_000, "epochs": 1}, "backend": "eager"}, TIMEOUT_S)
    made: list[int] = []
    busy = threading.Thread(
        target=lambda: made.append(worker.call("advance", {"handle": handle, "n": 100_000, "max_seconds": 3}, 120))
    )
    busy.start()
    deadline = time.monotonic() + 30
    while not worker.lock.locked() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert worker.lock.locked()
    with pytest.raises(EngineBusyError, match="the engine is busy with another request \\('stats' waited 0 s\\)"):
        worker.call("stats", {}, TIMEOUT_S, wait=0.2)
    worker.check()  # never blocks on a busy engine
    busy.join(timeout=120)
    assert made and made[0] > 0 and worker.generation == 0  # the busy request finished; nothing was restarted
    assert worker.call("stats", {}, TIMEOUT_S, wait=0.2)["handles"] == 1


def test_a_request_meant_for_an_earlier_engine_is_refused(worker: EngineWorker) -> None:
    handle, generation = worker.request("open", {"config": {"n_samples": 20, "epochs": 1}}, TIMEOUT_S)
    assert generation == 0
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.join(timeout=10)
    with pytest.raises(RunLostError, match="the engine restarted"):
        worker.request("step", {"handle": handle, "n": 1}, TIMEOUT_S, generation=generation)
    assert worker.generation == 1 and worker.process is None  # refused before a new engine was started


def test_task_engines_are_named_for_their_role() -> None:
    task = EngineWorker(1, role="task")
    try:
        task.call("stats", {}, TIMEOUT_S)
        assert task.process.name == "tapestream-task-1"
    finally:
        task.shutdown()
    with pytest.raises(ConfigError, match="role"):
        EngineWorker(0, role="boss")
