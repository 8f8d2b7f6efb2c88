"""A race inside the engine: open, ticks with only the new rows, lane changes, saving as one group, export."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import numpy as np
import pytest

from core.engine.process import Engine
from core.race.presets import RACE_PRESETS
from core.regression.config import ConfigError, RegressionConfig
from core.store.run_store import RunStore
from core.store.store_errors import StoreError

BASE = RegressionConfig(n_samples=300)


def optimizers_race(engine: Engine) -> int:
    _, lanes = RACE_PRESETS["Optimizers"](BASE)
    return engine.open_race(BASE.to_dict(), [{"overrides": lane} for lane in lanes])


def test_a_tick_advances_every_lane_and_sends_each_lane_only_its_new_rows():
    engine = Engine()
    handle = optimizers_race(engine)
    full = engine.race(handle, "tick", {"n": 40, "max_seconds": 5.0})
    assert full["race"] and full["made"] == 40 and full["steps_done"] == 40 and full["status"] == "running"
    assert [lane["label"] for lane in full["lanes"]] == ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad"]
    assert len(full["lane_series"]) == 6 and "new" not in full
    assert full["lane_series"][4]["trajectory"]["w"][-1] == pytest.approx(full["lanes"][4]["w"])
    later = engine.race(handle, "tick", {"n": 25, "max_seconds": 5.0, "since": (full["stream"], 40)})
    new = later["new"]
    assert new["from"] == 40 and list(new["step"]) == list(range(41, 66))
    for index, lane in enumerate(later["lanes"]):
        assert new[f"w{index}"][-1] == np.float32(lane["w"]) and new[f"b{index}"][-1] == np.float32(lane["b"])
    assert "lane_series" not in later
    assert later["w"] == later["lanes"][0]["w"]  # the page's Weight and Bias are the first lane's


def test_a_lane_that_stops_leaves_gaps_while_the_others_go_on():
    engine = Engine()
    lanes = [{"overrides": {}}, {"overrides": {"learning_rate": 5.0}}]
    handle = engine.open_race(BASE.to_dict(), lanes)
    view = engine.race(handle, "tick", {"n": 5, "max_seconds": 5.0})
    view = engine.race(handle, "tick", {"n": 200, "max_seconds": 5.0, "since": (view["stream"], 5)})
    wild = view["lanes"][1]
    assert wild["status"] == "diverged" and "Diverged at step" in wild["message"]
    assert view["status"] == "running" and view["lanes"][0]["steps_done"] == 205
    assert np.isnan(view["new"]["w1"][-1]) and np.isfinite(view["new"]["w0"]).all()


def test_lane_changes_relabel_and_refuse_shared_fields():
    engine = Engine()
    handle = optimizers_race(engine)
    engine.race(handle, "tick", {"n": 10, "max_seconds": 5.0})
    events = engine.race(handle, "update_lane", {"index": 4, "changes": {"learning_rate": 0.1}})
    assert events == [{"step": 10, "field": "learning_rate", "old": 0.01, "new": 0.1}]
    assert engine.race(handle, "relabel", {"index": 4, "label": "fast adam"}) == "fast adam"
    view = engine.race(handle, "view", {})
    assert view["lanes"][4]["label"] == "fast adam" and view["lanes"][4]["events"][0]["new"] == 0.1
    with pytest.raises(ConfigError, match="shared by every lane"):
        engine.race(handle, "update_lane", {"index": 0, "changes": {"seed": 3}})
    engine.race(handle, "update_shared", {"changes": {"w_target": 2.0}})
    assert {lane["config"]["w_target"] for lane in [engine.state(handle)]} == {2.0}
    with pytest.raises(ConfigError, match="race action"):
        engine.race(handle, "explode", {})
    plain = engine.open(BASE.to_dict())
    with pytest.raises(ConfigError, match="not a race"):
        engine.race(plain, "tick", {"n": 1})


def test_saving_a_race_stores_each_lane_as_a_run_under_one_group_id(tmp_path):
    db = str(tmp_path / "runs.sqlite3")
    engine = Engine()
    handle = optimizers_race(engine)
    engine.race(handle, "tick", {"n": 30, "max_seconds": 5.0})
    ids = engine.race(handle, "save", {"db_path": db, "race_id": "race-abc", "run_ids": [], "run_key": "k"})
    engine.race(handle, "tick", {"n": 30, "max_seconds": 5.0})
    again = engine.race(handle, "save", {"db_path": db, "race_id": "race-abc", "run_ids": ids, "run_key": "k"})
    assert again == ids and len(set(ids)) == 6
    with RunStore(db) as store:
        runs = store.list_runs(sweep_id="race-abc")
        assert sorted(run["id"] for run in runs) == sorted(ids)
        assert {run["steps"] for run in runs} == {60}
        assert {run["config"]["optimizer"] for run in runs} == {
            "sgd",
            "momentum",
            "nesterov",
            "rmsprop",
            "adam",
            "adagrad",
        }
    listed = subprocess.run(
        [sys.executable, "-m", "core", "runs", "list", "--json"],
        capture_output=True,
        text=True,
        env={"TAPESTREAM_DB": db, "PATH": "/usr/bin:/bin"},
        check=True,
    )
    items = json.loads(listed.stdout)
    assert {item["sweep_id"] for item in items} == {"race-abc"} and len(items) == 6


def test_the_exported_script_holds_every_lane_and_runs(tmp_path):
    engine = Engine()
    lanes = [{"overrides": {}}, {"overrides": {"optimizer": "adam"}}]
    handle = engine.open_race(RegressionConfig(n_samples=50, epochs=1).to_dict(), lanes)
    engine.race(handle, "tick", {"n": 20, "max_seconds": 5.0})
    engine.race(handle, "update_lane", {"index": 1, "changes": {"learning_rate": 0.2}})
    engine.race(handle, "tick", {"n": 30, "max_seconds": 5.0})
    script = engine.race(handle, "export_script", {})
    assert "Lane 1 of 2: sgd" in script and "Lane 2 of 2: adam" in script
    path = tmp_path / "race.py"
    path.write_text(script)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_race_whose_first_save_fails_midway_saves_none_of_its_lanes(tmp_path):
    db = tmp_path / "runs.sqlite3"
    with RunStore(db) as store:
        store.save_run(config={}, status="done", step=[0], epoch=[0], w=[0.0], b=[0.0], loss=[1.0], name="earlier")
    with sqlite3.connect(db) as raw:  # the store fails on the race's fourth lane, as a full disk would
        raw.execute(
            "CREATE TRIGGER fourth_lane_fails AFTER INSERT ON runs WHEN (SELECT count(*) FROM runs) >= 5 "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    engine = Engine()
    handle = optimizers_race(engine)
    engine.race(handle, "tick", {"n": 30, "max_seconds": 5.0})
    with pytest.raises(StoreError, match="full"):
        engine.race(handle, "save", {"db_path": str(db), "race_id": "race-x", "run_ids": [], "run_key": "k"})
    with RunStore(db) as store:
        assert [run["name"] for run in store.list_runs()] == ["earlier"]


def test_step_epoch_takes_every_lane_to_the_end_of_its_own_epoch():
    engine = Engine()
    base = BASE.replace(epochs=20)
    shared, lanes = RACE_PRESETS["Batch sizes"](base)
    handle = engine.open_race(base.replace(**shared).to_dict(), [{"overrides": lane} for lane in lanes])
    engine.race(handle, "tick", {"n": 5, "max_seconds": 5.0})
    made = engine.race(handle, "step_epoch", {})
    race = engine.entry(handle).race
    epochs = [-(-BASE.n_samples // lane.config.batch_size) for lane in race.lanes]  # steps per epoch: 300, 10, 1
    assert epochs == [300, 10, 1]
    # 5 steps in, each lane ends its own epoch: the first at 300, the second at 10, the full batch at its 6th
    assert [lane.steps_done for lane in race.lanes] == [300, 10, 6]
    assert made == 295
    assert all(lane.steps_left_in_epoch == epoch for lane, epoch in zip(race.lanes, epochs))


def test_a_lane_added_mid_run_trains_from_step_0_and_catches_up_while_the_others_go_on():
    from core.regression.trainer import Trainer

    engine = Engine()
    handle = optimizers_race(engine)
    engine.race(handle, "tick", {"n": 120, "max_seconds": 5.0})
    before = [lane.trace.copy() for lane in engine.entry(handle).race.lanes]
    specs = engine.race(handle, "add_lane", {"lane": {"overrides": {"learning_rate": 0.1}}})
    race = engine.entry(handle).race
    assert len(specs) == 7 and specs[-1]["overrides"] == {"learning_rate": 0.1}
    assert [lane.steps_done for lane in race.lanes] == [120] * 6 + [0]  # nobody restarted; the new lane is at 0
    view = engine.race(handle, "tick", {"n": 30, "max_seconds": 5.0})
    assert [lane["steps_done"] for lane in view["lanes"]] == [150] * 7  # it caught up, trained from the start
    for lane, old in zip(race.lanes, before):
        assert (lane.trace["w"].to_numpy()[: len(old)] == old["w"].to_numpy()).all()  # the old lanes went on
    reference = Trainer(BASE.replace(learning_rate=0.1))
    reference.step(150)
    np.testing.assert_array_equal(race.lanes[6].trace["w"].to_numpy(), reference.trace["w"].to_numpy())


def test_a_single_run_becomes_a_race_mid_run_without_starting_over():
    engine = Engine()
    handle = engine.open(BASE.to_dict())
    engine.tick(handle, 200, 5.0)
    engine.update(handle, {"learning_rate": 0.02})
    engine.tick(handle, 50, 5.0)
    trainer = engine.entry(handle).trainer
    trace, events = trainer.trace.copy(), list(trainer.events)
    engine.race(handle, "add_lane", {"lane": {"overrides": {"optimizer": "adam"}}})
    race = engine.entry(handle).race
    first = race.lanes[0]
    assert engine.entry(handle).trainer is first and first.steps_done == 250 and first.events == events
    assert (first.trace["w"].to_numpy() == trace["w"].to_numpy()).all()
    view = engine.race(handle, "tick", {"n": 10, "max_seconds": 5.0})
    assert [lane["label"] for lane in view["lanes"]] == ["sgd", "adam"]
    assert [lane["steps_done"] for lane in view["lanes"]] == [260, 260]
    assert race.lanes[1].config.learning_rate == 0.02  # the base is the run's settings now
    with pytest.raises(ConfigError, match="at most 8"):
        for _ in range(7):
            engine.race(handle, "add_lane", {"lane": {"overrides": {}}})


def test_each_lanes_loss_ema_comes_with_the_full_draw_and_rides_on_every_tick():
    import pandas as pd

    engine = Engine()
    handle = optimizers_race(engine)
    full = engine.race(handle, "tick", {"n": 40, "max_seconds": 5.0, "smoothing": 0.9})
    assert all(len(lane["ema"]["step"]) > 0 for lane in full["lane_series"])
    since = (full["stream"], full["steps_done"])
    view = engine.race(handle, "tick", {"n": 25, "max_seconds": 5.0, "smoothing": 0.9, "since": since})
    race = engine.entry(handle).race
    for index, lane in enumerate(race.lanes):
        expected = pd.Series(lane.trace_column("loss").astype(np.float64)).ewm(alpha=0.1, adjust=False).mean()
        np.testing.assert_allclose(view["new"][f"ema{index}"], expected.to_numpy()[-25:], rtol=1e-5)
    plain = engine.race(handle, "tick", {"n": 5, "max_seconds": 5.0, "since": (view["stream"], view["steps_done"])})
    assert not any(name.startswith("ema") for name in plain.get("new", plain.get("lane_series", [{}])[0]))


def test_a_lost_race_is_replayed_lane_by_lane_from_each_lanes_first_config_and_changes():
    engine = Engine()
    base = BASE.replace(epochs=20)
    shared, lanes = RACE_PRESETS["Batch sizes"](base)
    base = base.replace(**shared)
    handle = engine.open_race(base.to_dict(), [{"overrides": lane} for lane in lanes])
    engine.race(handle, "tick", {"n": 40, "max_seconds": 5.0})
    engine.race(handle, "update_lane", {"index": 1, "changes": {"learning_rate": 0.05}})
    engine.race(handle, "tick", {"n": 30, "max_seconds": 5.0})
    engine.race(handle, "update_shared", {"changes": {"w_target": -1.0}})
    engine.race(handle, "step_epoch", {})  # the lanes now stand at different steps
    engine.race(handle, "add_lane", {"lane": {"overrides": {"optimizer": "adam"}}})
    engine.race(handle, "tick", {"n": 7, "max_seconds": 5.0})
    lost = engine.entry(handle).race
    records = [
        {"config": lane.initial_config.to_dict(), "events": [e._asdict() for e in lane.events], "steps": steps}
        for lane, steps in ((lane, lane.steps_done) for lane in lost.lanes)
    ]
    fresh = Engine()  # the engine restarted: a new one opens the race as it is now, then replays every lane
    again = fresh.open_race(lost.base.to_dict(), [spec.to_dict() for spec in lost.specs])
    steps = fresh.race(again, "replay", {"lanes": records})
    rebuilt = fresh.entry(again).race
    assert steps == [lane.steps_done for lane in lost.lanes] and len(set(steps)) > 1
    assert fresh.entry(again).trainer is rebuilt.lanes[0]
    for ours, theirs in zip(rebuilt.lanes, lost.lanes):
        assert ours.events == theirs.events and ours.config == theirs.config and ours.label == theirs.label
        for name in ("w", "b", "loss"):
            np.testing.assert_array_equal(ours.trace_column(name), theirs.trace_column(name))


def test_the_first_lane_of_a_race_can_be_inspected_at_any_step():
    """A race's lanes keep replay checkpoints as a single run does, so the step inspector works on the first lane
    (the handle's run): its w/b after step k are the lane's trace at k (SGD, batch 1: bit for bit)."""
    engine = Engine()
    handle = optimizers_race(engine)
    engine.race(handle, "tick", {"n": 120, "max_seconds": 5.0})
    trace = engine.entry(handle).trainer.trace
    for step in (1, 57, 120):
        record = engine.inspect(handle, step)
        row = trace[trace["step"] == step].iloc[0]
        assert record["step"] == step
        assert np.float32(record["w_after"]) == np.float32(row["w"]) and np.float32(record["b_after"]) == np.float32(
            row["b"]
        )


def test_a_single_run_saved_then_turned_into_a_race_is_stored_once_as_its_first_lane(tmp_path):
    db = str(tmp_path / "runs.sqlite3")
    engine = Engine()
    handle = engine.open(BASE.to_dict())
    engine.tick(handle, 120, 5.0)
    single = engine.save(handle, db, run_key="k")
    engine.race(handle, "add_lane", {"lane": {"overrides": {"optimizer": "adam"}}})
    engine.race(handle, "tick", {"n": 30, "max_seconds": 5.0})
    save = {"db_path": db, "race_id": "race-1a2b3c4d", "run_ids": [single], "run_key": "k2"}
    ids = engine.race(handle, "save", save)
    engine.race(handle, "tick", {"n": 30, "max_seconds": 5.0})
    assert engine.race(handle, "save", {**save, "run_ids": ids}) == ids
    with RunStore(db) as store:
        runs = store.list_runs()
        assert len(runs) == 2 and ids[0] == single  # the single run's row is the first lane's, not a second copy
        assert {run["sweep_id"] for run in runs} == {"race-1a2b3c4d"}
        assert {run["steps"] for run in runs} == {180}
        first = store.get_run(single)
        assert first["name"] == "sgd · race-1a2b3c4d"
        assert list(store.points(single)["step"]) == list(range(181))  # its whole trace, every step once
