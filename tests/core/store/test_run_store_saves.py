"""core.store.run_store's saving paths beyond one run: sweeps in one transaction, appends, run keys, auto-names."""

from __future__ import annotations

import numpy as np
import pytest

from core.store.run_store import RunNotFound, RunStore, StoreError

CONFIG = {"optimizer": "sgd", "learning_rate": 0.01}


def columns(start: int, stop: int) -> dict[str, np.ndarray]:
    steps = np.arange(start, stop, dtype=np.int64)
    return {"step": steps, "epoch": steps // 10, "w": steps * 0.5, "b": -steps * 1.0, "loss": 1.0 / (steps + 1)}


def test_a_sweep_is_saved_all_or_none(store: RunStore) -> None:
    good = {"config": CONFIG, "status": "done", **columns(0, 5)}
    bad = {**good, "status": "no such status"}
    with pytest.raises(StoreError, match="status"):
        store.save_runs([good, good, bad])
    assert store.list_runs() == []
    broken_points = {**good, "step": [0, 2, 1, 3, 4]}
    with pytest.raises(StoreError, match="strictly increasing"):
        store.save_runs([good, broken_points])
    assert store.list_runs() == []
    ids = store.save_runs([good, {**good, "sweep_id": "s1"}])
    assert len(ids) == 2 and [run["id"] for run in store.list_runs()] == ids[::-1]


def test_a_sweep_failing_inside_the_transaction_leaves_nothing(store: RunStore) -> None:
    good = {"config": CONFIG, "status": "done", **columns(0, 5)}
    store.save_run(**good, run_key="taken")
    store.save_run(**good, run_key="other")
    clash = {**good, "run_id": store.list_runs()[0]["id"], "run_key": "taken"}  # unique key clash at write time
    with pytest.raises(StoreError):
        store.save_runs([good, good, clash])
    assert len(store.list_runs()) == 2


def test_unknown_save_arguments_are_store_errors(store: RunStore) -> None:
    with pytest.raises(StoreError, match="unknown or missing"):
        store.save_runs([{"config": CONFIG, "status": "done", "colour": "red", **columns(0, 2)}])


def test_final_loss_is_the_mean_over_the_data_and_the_step_loss_is_kept(store: RunStore) -> None:
    run_id = store.save_run(config=CONFIG, status="done", final_loss=0.5, **columns(0, 4))
    run = store.get_run(run_id)
    assert run["final_loss"] == 0.5 and run["final_step_loss"] == pytest.approx(0.25)


def test_append_adds_only_the_new_points_and_updates_the_row(store: RunStore) -> None:
    run_id = store.save_run(config=CONFIG, status="paused", **columns(0, 100))
    assert store.last_point(run_id) == {"step": 99, "w": 49.5, "b": -99.0, "loss": 0.01}
    later = {**CONFIG, "learning_rate": 0.1}
    events = [{"step": 120, "field": "learning_rate", "old": 0.01, "new": 0.1}]
    assert store.append_run(run_id, config=later, status="done", events=events, final_loss=0.2, **columns(100, 150))
    run = store.get_run(run_id)
    assert run["steps"] == 149 and run["status"] == "done" and run["config"] == later and run["events"] == events
    assert run["final_loss"] == 0.2 and run["final_w"] == 74.5
    points = store.points(run_id)
    np.testing.assert_array_equal(points["step"], np.arange(150))
    np.testing.assert_array_equal(points["w"], np.arange(150) * 0.5)


def test_append_with_no_new_points_keeps_the_final_point(store: RunStore) -> None:
    run_id = store.save_run(config=CONFIG, status="running", **columns(0, 10))
    store.append_run(run_id, config=CONFIG, status="paused", **columns(10, 10))
    run = store.get_run(run_id)
    assert run["status"] == "paused" and run["steps"] == 9 and run["final_w"] == 4.5 and len(store.points(run_id)) == 10


def test_append_refuses_overlapping_points_and_deleted_runs(store: RunStore) -> None:
    run_id = store.save_run(config=CONFIG, status="paused", **columns(0, 10))
    with pytest.raises(StoreError, match="already holds step 9"):
        store.append_run(run_id, config=CONFIG, status="paused", **columns(5, 20))
    assert len(store.points(run_id)) == 10  # nothing half-written
    store.delete(run_id)
    with pytest.raises(RunNotFound):
        store.append_run(run_id, config=CONFIG, status="paused", **columns(10, 20))
    with pytest.raises(RunNotFound):
        store.last_point(run_id)


def test_saves_with_one_run_key_are_one_row(store: RunStore) -> None:
    first = store.save_run(config=CONFIG, status="paused", run_key="live-abc", **columns(0, 5))
    again = store.save_run(config=CONFIG, status="done", run_key="live-abc", **columns(0, 8))
    assert first == again and len(store.list_runs()) == 1
    assert store.get_run(first)["status"] == "done" and len(store.points(first)) == 8
    other = store.save_run(config=CONFIG, status="done", run_key="live-def", **columns(0, 3))
    assert other != first and len(store.list_runs()) == 2


def test_an_auto_name_follows_the_final_settings_but_a_given_name_stays(store: RunStore) -> None:
    run_id = store.save_run(config={"optimizer": "sgd", "learning_rate": 10.0}, status="paused", **columns(0, 3))
    assert store.get_run(run_id)["name"] == f"sgd lr=10 #{run_id}"
    store.append_run(run_id, config={"optimizer": "sgd", "learning_rate": 0.1}, status="done", **columns(3, 6))
    assert store.get_run(run_id)["name"] == f"sgd lr=0.1 #{run_id}"
    store.rename(run_id, "my run")
    store.save_run(config={"optimizer": "adam", "learning_rate": 0.1}, status="done", run_id=run_id, **columns(0, 6))
    assert store.get_run(run_id)["name"] == "my run"
