"""core.engine.process: the Engine class called in-process, error payloads, and serve() over a real Pipe."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from core.engine.process import Engine, UnknownHandleError, error_payload, serve
from core.regression.config import ConfigError
from core.regression.trainer import Trainer
from core.store.run_store import RunStore

SMALL = {"n_samples": 50, "epochs": 2, "learning_rate": 0.05}


def test_open_step_update_state_and_close() -> None:
    engine = Engine()
    handle = engine.open(SMALL)
    first = engine.step(handle, 30)
    assert list(first) == ["step", "epoch", "w", "b", "loss"] and first["step"].tolist() == list(range(1, 31))
    assert engine.update(handle, {"learning_rate": 0.1}) == [
        {"step": 30, "field": "learning_rate", "old": 0.05, "new": 0.1}
    ]
    engine.step(handle, 1000)
    local = Trainer(engine.entries[handle].trainer.initial_config)
    local.step(30)
    local.update(learning_rate=0.1)
    local.run()
    state = engine.state(handle)
    assert state["status"] == "done" and state["steps_done"] == 100 and state["total_steps"] == 100
    assert (state["w"], state["b"]) == (local.w, local.b)
    assert state["config"]["learning_rate"] == 0.1 and len(state["data"]["x"]) == 50
    assert state["mean_loss"] == pytest.approx(np.mean((local.arrays[1] - (local.w * local.arrays[0] + local.b)) ** 2))
    assert engine.close(handle) is True and engine.close(handle) is False


def test_unknown_handles_raise_the_engines_error() -> None:
    engine = Engine()
    with pytest.raises(UnknownHandleError, match="run 7 is not open in the engine"):
        engine.step(7, 1)
    handle = engine.open(SMALL)
    engine.close(handle)
    for call in (lambda: engine.state(handle), lambda: engine.view(handle), lambda: engine.update(handle, {})):
        with pytest.raises(UnknownHandleError):
            call()


def test_idle_trainers_are_evicted() -> None:
    engine = Engine(idle_seconds=0.0)
    handle = engine.open({"n_samples": 10})
    time.sleep(0.01)
    assert engine.evict_idle() == [handle]
    with pytest.raises(LookupError, match="evicted"):
        engine.step(handle, 1)


def test_tick_advances_and_returns_a_bounded_view() -> None:
    engine = Engine()
    handle = engine.open({"n_samples": 1_000_000, "epochs": 1})
    view = engine.tick(handle, 1_000_000, max_seconds=30.0, smoothing=0.9)
    assert view["made"] == 1_000_000 and view["status"] == "done"
    for name in ("w", "b", "loss"):
        assert len(view["series"][name]["step"]) <= 2000
    assert len(view["smoothed_loss"]["step"]) <= 2000 and len(view["trajectory"]["w"]) <= 2000
    assert len(view["samples"]["x"]) <= 2000 and view["surface"]["loss"].shape == (60, 60)
    again = engine.view(handle, data_version=view["data_version"], surface_key=view["surface_key"])
    assert "samples" not in again and "surface" not in again


def test_only_idle_entries_are_evicted_and_use_keeps_an_entry_fresh() -> None:
    engine = Engine(idle_seconds=10.0)  # well above one first (compiled) step on a busy machine
    stale, fresh = engine.open({"n_samples": 10}), engine.open({"n_samples": 10})
    engine.entries[stale].last_used -= 60.0  # as if untouched for a minute
    assert engine.evict_idle() == [stale] and list(engine.entries) == [fresh]
    engine.entries[fresh].last_used -= 60.0
    engine.step(fresh, 1)  # touching the handle marks it as used
    assert engine.evict_idle() == []


def test_view_backend_switch_exports_and_save(tmp_path: Path) -> None:
    engine = Engine()
    handle = engine.open(SMALL, backend="eager")
    engine.step(handle, 10)
    assert engine.set_backend(handle, "compiled") == "compiled" and engine.entries[handle].trainer.backend == "compiled"
    with pytest.raises(ConfigError, match="backend"):
        engine.set_backend(handle, "torch")
    assert engine.step_epoch(handle) == 40 and engine.state(handle)["epoch"] == 1
    view = engine.view(handle, max_points=16, smoothing=0.9)
    assert all(len(view["series"][name]["step"]) <= 16 for name in ("w", "b", "loss"))
    assert view["series"]["w"]["value"][-1] == pytest.approx(view["w"]) and len(view["smoothed_loss"]["value"]) > 0
    assert engine.trace_csv(handle).splitlines()[0] == "step,epoch,w,b,loss"
    assert len(engine.trace_csv(handle).splitlines()) == 52
    assert "tf.GradientTape" in engine.export_script(handle)
    db = tmp_path / "runs.sqlite3"
    run_id = engine.save(handle, str(db), name="from the engine")
    with RunStore(db) as store:
        saved = store.get_run(run_id)
        assert (saved["name"], saved["steps"], saved["status"]) == (
            "from the engine",
            50,
            "paused",
        )  # never stored as running
        assert len(store.points(run_id)) == 51


def test_tasks_and_stats() -> None:
    engine = Engine()
    assert engine.task("example", {"name": "chain"})["gradients"]["t2"] == [2.0, 3.0, 4.0]
    with pytest.raises(ConfigError, match="task"):
        engine.task("rm -rf", {})
    engine.open(SMALL)
    stats = engine.stats()
    assert stats["pid"] == os.getpid() and stats["handles"] == 1 and stats["rss_mb"] > 0


def test_error_payload_keeps_a_config_errors_fields_and_others_type_and_message() -> None:
    assert error_payload(ConfigError("learning_rate", -1, "must be positive")) == {
        "type": "ConfigError",
        "message": "learning_rate=-1 is not allowed: must be positive",
        "field": "learning_rate",
        "value": -1,
        "allowed": "must be positive",
    }
    assert error_payload(UnknownHandleError("run 3 is gone")) == {
        "type": "UnknownHandleError",
        "message": "run 3 is gone",
    }


def test_serve_answers_requests_over_a_pipe_and_exits_when_it_closes() -> None:
    tf.constant(1.0) + 1.0  # TF is already running here, so serve() keeps this process's thread pools
    parent, child = multiprocessing.Pipe(duplex=True)
    server = threading.Thread(target=serve, args=(child,), daemon=True)
    server.start()
    try:
        parent.send((1, "open", {"config": SMALL}))
        assert parent.poll(60)
        request_id, ok, handle = parent.recv()
        assert (request_id, ok) == (1, True)
        parent.send((2, "step", {"handle": handle, "n": 5}))
        request_id, ok, rows = parent.recv()
        assert (request_id, ok) == (2, True) and rows["step"].tolist() == [1, 2, 3, 4, 5]
        parent.send((3, "__init__", {}))
        assert parent.recv() == (3, False, error_payload(ConfigError("method", "__init__", allowed_methods())))
        parent.send((4, "step", {"handle": handle + 1, "n": 1}))
        request_id, ok, payload = parent.recv()
        assert (request_id, ok, payload["type"]) == (4, False, "UnknownHandleError")
        parent.send((5, "state", {"handle": handle}))
        assert parent.recv()[2]["steps_done"] == 5  # the engine survived both failures
    finally:
        parent.close()
    server.join(timeout=30)
    assert not server.is_alive()


def allowed_methods() -> str:
    from core.engine.process import METHODS

    return f"must be one of {', '.join(METHODS)}"


def test_a_view_since_a_step_of_its_stream_sends_only_the_new_rows_else_the_whole_series() -> None:
    engine = Engine()
    handle = engine.open({"n_samples": 1_000_000, "epochs": 1})
    full = engine.tick(handle, 1000, max_seconds=30.0, smoothing=0.9)
    since = (full["stream"], full["steps_done"])
    delta = engine.tick(handle, 300_000, max_seconds=30.0, smoothing=0.9, since=since)
    assert "new" in delta and not {"series", "smoothed_loss", "trajectory"} & set(delta)
    new = delta["new"]
    assert new["from"] == 1000 and 0 < len(new["step"]) <= 200 and new["step"][-1] == delta["steps_done"]
    assert new["w"][-1] == np.float32(delta["w"]) and new["b"][-1] == np.float32(delta["b"])
    assert delta["steps_done"] > 1000 and delta["surface_key"] == engine.view(handle, smoothing=0.9)["surface_key"]
    for stale in ((full["stream"], 10**9), ("another engine/1/1/0.9", 5), (delta["stream"].replace("0.9", "0"), 5)):
        assert "series" in engine.view(handle, smoothing=0.9, since=stale)  # a break: the whole series again
    assert "series" in engine.view(handle, smoothing=0.0, since=since)  # another smoothing is another stream
    engine.update(handle, {"n_samples": 500})  # new data: a new stream
    assert engine.view(handle, smoothing=0.9)["stream"] != delta["stream"]
