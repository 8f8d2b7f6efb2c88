"""EngineClient and the engine process: same traces as in-process, structured errors, restarts, bounded memory."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from core.engine.client import EngineClient
from core.engine.errors import EngineBusyError, EngineCallError, EngineError, RunLostError
from core.regression.config import ConfigError, RegressionConfig
from core.store.run_store import RunStore

ROOT = Path(__file__).resolve().parents[3]
# 20 runs of 100,000 per-sample steps, traces saved in full: several seconds of real work in the task engine.
LONG_SWEEP = {
    "base": {"n_samples": 1000, "epochs": 100},
    "values": {"learning_rate": [0.001, 0.002, 0.005, 0.01], "seed": [0, 1, 2, 3, 4]},
    "name": "long",
}


@pytest.fixture(scope="module")
def client() -> EngineClient:
    engine = EngineClient()
    yield engine
    engine.shutdown()


def page_imports() -> list[str]:
    """Every import statement of dashboard.py and the pages, as source lines."""
    lines = []
    for path in [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and getattr(node, "module", "") != "__future__":
                lines.append(ast.unparse(node))
    return lines


def test_client_config_store_and_page_imports_never_load_tensorflow() -> None:
    statements = [
        "import core.engine.client",
        "import core.regression.config",
        "import core.regression.url_query",
        "import core.store.run_store",
        *page_imports(),
    ]
    code = "import sys\n" + "\n".join(statements) + "\n"
    code += "bad = [m for m in ('tensorflow', 'keras', 'tf_keras') if m in sys.modules]\nprint(bad)\n"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert any("ui.live" in line and "session" in line for line in statements)


def test_round_trips_give_the_same_trace_as_an_in_process_trainer(client: EngineClient) -> None:
    from core.regression.trainer import Trainer

    config = RegressionConfig(n_samples=300, epochs=2, optimizer="adam", learning_rate=0.05)
    handle = client.open(config)
    rows = [client.step(handle, 20) for _ in range(10)]
    client.update(handle, learning_rate=0.1)
    rows.append(client.step(handle, 1000))
    local = Trainer(config, "compiled")
    local.step(200)
    local.update(learning_rate=0.1)
    local.step(1000)
    remote = np.concatenate([frame[["w", "b", "loss"]].to_numpy() for frame in rows])
    assert list(rows[0].columns) == ["step", "epoch", "w", "b", "loss"]
    np.testing.assert_array_equal(remote, local.trace[["w", "b", "loss"]].to_numpy()[1:])
    state = client.state(handle)
    assert state["status"] == "done" and state["steps_done"] == 600
    assert state["events"] == [{"step": 200, "field": "learning_rate", "old": 0.05, "new": 0.1}]
    assert {"w", "b", "loss", "optimum", "message", "data"} <= set(state)
    assert len(state["data"]["x"]) == 300
    client.close(handle)


def test_config_errors_stay_config_errors_and_others_are_structured(client: EngineClient) -> None:
    with pytest.raises(ConfigError, match="learning_rate"):
        client.open({"learning_rate": -1})
    handle = client.open(RegressionConfig())
    with pytest.raises(ConfigError) as caught:
        client.update(handle, batch_size=5000)
    assert caught.value.field == "batch_size"
    with pytest.raises(EngineCallError) as caught:
        client.example("product", {"t1": ["x"]})
    assert caught.value.type == "ExampleInputError" and "t1" in caught.value.message
    with pytest.raises(ConfigError, match="task"):
        client.task("rm -rf", {})
    client.close(handle)
    with pytest.raises(EngineError, match="closed or unknown"):
        client.step(handle, 1)


def test_examples_run_in_the_engine(client: EngineClient) -> None:
    assert client.example("chain")["gradients"]["t2"] == [2.0, 3.0, 4.0]


def test_a_killed_engine_gives_a_clear_error_then_open_works_and_the_run_can_be_rebuilt() -> None:
    engine = EngineClient()
    try:
        handle = engine.open(RegressionConfig())
        engine.step(handle, 300)
        engine.update(handle, learning_rate=0.02)
        engine.step(handle, 100)
        before = engine.state(handle)
        os.kill(engine.engine_pids()[0], signal.SIGKILL)
        time.sleep(0.5)
        with pytest.raises(RunLostError, match="the engine restarted; this run was lost"):
            engine.step(handle, 10)
        fresh = engine.open(RegressionConfig(n_samples=10, epochs=1))
        assert len(engine.step(fresh, 5)) == 5
        rebuilt = engine.rebuild(handle)
        after = engine.state(rebuilt)
        assert after["steps_done"] == 400 and after["events"] == before["events"]
        assert after["w"] == pytest.approx(before["w"], abs=1e-6) and after["b"] == pytest.approx(before["b"], abs=1e-6)
    finally:
        engine.shutdown()


def test_a_stalled_call_times_out_and_the_engine_restarts() -> None:
    engine = EngineClient(timeout=1.0)
    try:
        handle = engine.open(RegressionConfig(n_samples=100_000, epochs=1), backend="eager")
        with pytest.raises(EngineError, match="did not answer"):
            engine.advance(handle, 100_000, max_seconds=10)
        with pytest.raises(RunLostError):
            engine.step(handle, 1)
        engine.timeout = 60.0  # the fresh engine's first compiled step may take over 1 s on a loaded machine
        assert len(engine.step(engine.open(RegressionConfig(n_samples=10, epochs=1)), 3)) == 3
    finally:
        engine.shutdown()


def test_memory_stays_flat_over_hundreds_of_open_close_cycles(client: EngineClient) -> None:
    def cycle(count: int) -> None:
        for _ in range(count):
            handle = client.open(RegressionConfig(n_samples=2000))
            client.step(handle, 50)
            client.close(handle)

    cycle(50)
    before = client.stats()
    cycle(300)
    after = client.stats()
    assert after["handles"] == before["handles"]
    assert after["rss_mb"] - before["rss_mb"] < 40, (before, after)


def test_pool_spreads_sessions_by_affinity() -> None:
    engine = EngineClient(pool_size=2)
    try:
        handles = [engine.open(RegressionConfig(n_samples=10, epochs=1), affinity=f"s{i}") for i in range(6)]
        assert {engine.handles[handle].worker for handle in handles} == {0, 1}
        again = engine.open(RegressionConfig(n_samples=10, epochs=1), affinity="s0")
        assert engine.handles[again].worker == engine.handles[handles[0]].worker
        assert all(len(engine.step(handle, 4)) == 4 for handle in handles)
        pids = engine.engine_pids()
        assert len(set(pids)) == 2 and None not in pids
    finally:
        engine.shutdown()


def wait_until(condition, seconds: float = 120.0) -> None:
    """Poll until condition() holds; fail the test if it never does."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.01)


def held_steadily(lock: threading.Lock, seconds: float = 0.1) -> bool:
    """Whether lock stays held for `seconds`: a request in flight, not the moment a worker.check() holds it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not lock.locked():
            return False
        time.sleep(0.005)
    return True


def start_sweep(engine: EngineClient, db: Path, timeout: float = 600.0) -> tuple[threading.Thread, list]:
    """Run LONG_SWEEP in a thread on a warm task engine; returns once it holds the engine, with its outcome list."""
    engine.task("card_listing", {})  # start the task engine first, so the sweep's time is the sweep's
    outcome: list = []

    def sweep() -> None:
        try:
            outcome.append(engine.task("sweep", {**LONG_SWEEP, "db_path": str(db)}, timeout=timeout))
        except EngineError as error:
            outcome.append(error)

    thread = threading.Thread(target=sweep)
    thread.start()
    wait_until(lambda: engine.tasks.running()["long"] == 1)
    return thread, outcome


def test_live_ticks_keep_coming_while_a_long_sweep_runs_in_the_task_engine(tmp_path: Path) -> None:
    engine = EngineClient(pool_size=1)
    try:
        handle = engine.open(RegressionConfig(epochs=10_000))
        engine.tick(handle, 20, max_seconds=0.05)
        thread, outcome = start_sweep(engine, tmp_path / "runs.sqlite3")
        ticks_during_sweep = 0
        while ticks_during_sweep < 20 and thread.is_alive():
            engine.tick(handle, 200, max_seconds=0.05)
            ticks_during_sweep += thread.is_alive()
        sweep_still_running = thread.is_alive()
        thread.join(timeout=600)
        assert ticks_during_sweep == 20 and sweep_still_running  # a shared engine would have answered none
        assert isinstance(outcome[0], dict), outcome
        with RunStore(tmp_path / "runs.sqlite3") as store:
            assert [store.get_run(run_id)["steps"] for run_id in outcome[0]["run_ids"]] == [100_000] * 20
        assert engine.state(handle)["steps_done"] == engine.steps_taken(handle) > 20 * 200
        assert set(engine.task_engine_pids()).isdisjoint(engine.engine_pids())
    finally:
        engine.shutdown()


def test_a_killed_or_timed_out_task_engine_leaves_live_runs_intact(tmp_path: Path) -> None:
    engine = EngineClient(pool_size=1, task_pool_size=1)
    try:
        handle = engine.open(RegressionConfig())
        engine.step(handle, 300)
        engine.update(handle, learning_rate=0.02)
        engine.step(handle, 100)
        live_pid = engine.engine_pids()[0]
        thread, outcome = start_sweep(engine, tmp_path / "killed.sqlite3")
        killed_pid = engine.task_engine_pids()[0]
        os.kill(killed_pid, signal.SIGKILL)
        thread.join(timeout=120)
        assert isinstance(outcome[0], EngineError) and "live runs were not affected" in str(outcome[0])
        assert len(engine.step(handle, 10)) == 10
        thread, outcome = start_sweep(engine, tmp_path / "slow.sqlite3", timeout=1.0)
        thread.join(timeout=120)
        assert isinstance(outcome[0], EngineError) and "did not answer 'task' within 1 s" in str(outcome[0])
        assert len(engine.step(handle, 10)) == 10
        state = engine.state(handle)
        assert state["steps_done"] == 420 and engine.engine_pids() == [live_pid]
        assert state["events"] == [{"step": 300, "field": "learning_rate", "old": 0.01, "new": 0.02}]
        assert engine.example("chain")["gradients"]["t2"] == [2.0, 3.0, 4.0]
        assert engine.task_engine_pids()[0] not in (None, killed_pid)
    finally:
        engine.shutdown()


def test_waits_for_a_busy_engine_are_bounded() -> None:
    engine = EngineClient(pool_size=1, task_pool_size=1, wait=0.3)
    try:
        held = engine.tasks.borrow("quick", 1.0)
        with pytest.raises(EngineBusyError, match="busy with other tasks.*'example' waited 0 s.*try again"):
            engine.example("chain")
        assert engine.task_engine_pids() == [None]  # nothing ran
        engine.tasks.give_back(held)
        slow = engine.open(RegressionConfig(n_samples=100_000, epochs=1), backend="eager")
        quick = engine.open(RegressionConfig(n_samples=10, epochs=1))
        made: list[int] = []
        busy = threading.Thread(target=lambda: made.append(engine.advance(slow, 100_000, max_seconds=3)))
        busy.start()
        wait_until(lambda: held_steadily(engine.workers[0].lock))  # the advance holds it (not its brief check)
        with pytest.raises(EngineBusyError, match="the engine is busy with another request.*try again"):
            engine.step(quick, 1)
        busy.join(timeout=120)
        assert made[0] > 0 and engine.steps_taken(quick) == 0
        assert len(engine.step(quick, 3)) == 3  # the same run, untouched, once the engine is free
    finally:
        engine.shutdown()
