"""EngineClient and the engine process: same traces as in-process, structured errors, restarts, bounded memory."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from core.engine.client import EngineClient
from core.engine.errors import EngineCallError, EngineError, RunLostError
from core.regression.config import ConfigError, RegressionConfig

ROOT = Path(__file__).resolve().parents[3]


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
