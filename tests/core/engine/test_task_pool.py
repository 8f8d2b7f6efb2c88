"""core.engine.task_pool: lanes, first-come-first-served bounded waits, the long-task cap and a real task engine."""

from __future__ import annotations

import os
import threading
import time

import pytest

from core.engine.errors import EngineBusyError
from core.engine.task_pool import TaskPool, lane_of, task_pool_size_from_env
from core.regression.config import ConfigError


def wait_until(condition, seconds: float = 10.0) -> None:
    """Poll until condition() holds; fail the test if it never does."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.01)


def test_sweeps_and_tensorboard_are_long_and_the_rest_quick() -> None:
    assert [lane_of(name) for name in ("sweep", "tensorboard")] == ["long", "long"]
    assert {lane_of(name) for name in ("example", "card", "card_listing", "grad")} == {"quick"}


def test_pool_size_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAPESTREAM_TASK_POOL", raising=False)
    assert task_pool_size_from_env() == 2
    monkeypatch.setenv("TAPESTREAM_TASK_POOL", "1")
    assert task_pool_size_from_env() == 1
    for bad in ("0", "two", "9999"):
        monkeypatch.setenv("TAPESTREAM_TASK_POOL", bad)
        with pytest.raises(ConfigError, match="TAPESTREAM_TASK_POOL.*whole number in \\[1, "):
            task_pool_size_from_env()


def test_long_tasks_leave_one_engine_for_quick_ones_and_waits_are_bounded() -> None:
    pool = TaskPool(2)
    long_index = pool.borrow("long", 1.0, "sweep")
    with pytest.raises(EngineBusyError, match="busy with other tasks \\(1 running, 0 waiting ahead.*'sweep'"):
        pool.borrow("long", 0.2, "sweep")
    quick_index = pool.borrow("quick", 0.2)
    assert {long_index, quick_index} == {0, 1} and pool.running() == {"quick": 1, "long": 1}
    with pytest.raises(EngineBusyError, match="try again in a moment"):
        pool.borrow("quick", 0.1)
    pool.give_back(long_index)
    assert pool.borrow("long", 0.2) == long_index
    assert not pool.queues["quick"] and not pool.queues["long"]  # timed-out callers left the queue
    assert pool.pids() == [None, None]  # borrowing alone starts no process


def test_a_single_engine_pool_serves_each_lane_in_arrival_order() -> None:
    pool = TaskPool(1)
    held = pool.borrow("long", 1.0)
    order: list[str] = []

    def caller(name: str) -> None:
        index = pool.borrow("quick", 30.0, name)
        order.append(name)
        time.sleep(0.05)
        pool.give_back(index)

    threads = []
    for name in ("first", "second", "third"):
        threads.append(threading.Thread(target=caller, args=(name,)))
        threads[-1].start()
        wait_until(lambda count=len(threads): len(pool.queues["quick"]) == count)
    pool.give_back(held)
    for thread in threads:
        thread.join(timeout=30)
    assert order == ["first", "second", "third"] and pool.running() == {"quick": 0, "long": 0}


def test_a_task_runs_in_its_own_process_and_the_engine_is_given_back() -> None:
    pool = TaskPool(1)
    try:
        assert pool.run("example", {"name": "chain"}, 120.0, 1.0)["gradients"]["t2"] == [2.0, 3.0, 4.0]
        [pid] = pool.pids()
        assert pid is not None and pid != os.getpid()
        assert pool.workers[0].process.name == "tapestream-task-0" and pool.running() == {"quick": 0, "long": 0}
        with pytest.raises(ConfigError, match="task"):
            pool.run("no such task", {}, 60.0, 1.0)
        assert pool.running() == {"quick": 0, "long": 0} and pool.pids() == [pid]
    finally:
        pool.shutdown()
