"""A closed session whose race cannot be saved keeps every lane in a recovery file, importable as one race."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.engine.client import EngineClient
from core.regression.config import RegressionConfig
from core.store.recovery import import_recovered, recovered_files
from core.store.run_store import RunStore
from ui.live.run_state import LiveRun
from ui.live.session import _release_all


def test_every_lane_of_an_unsaved_race_is_recovered_and_imports_as_one_group(
    client: EngineClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_path = tmp_path / "runs.sqlite3"
    monkeypatch.setenv("TAPESTREAM_DB", str(store_path))
    lanes = [{"overrides": {}}, {"overrides": {"optimizer": "adam"}}, {"overrides": {"learning_rate": 0.1}}]
    run = LiveRun(client, config=RegressionConfig(n_samples=50, epochs=3), lanes=lanes)
    run.tick()
    run.step_once()
    run.step_once()
    view = run.tick()
    store_path.write_bytes(b"this is not a database" * 100)  # the store cannot be written when the session closes
    _release_all([run])
    kept = recovered_files(store_path)
    assert len(kept) == 3  # one file per lane, not only the first
    store_path.unlink()
    with RunStore(store_path) as store:
        ids = [import_recovered(store, path) for path in kept]
        runs = {store.get_run(run_id)["name"]: store.get_run(run_id) for run_id in ids}
        assert sorted(name.split(" · ")[0] for name in runs) == ["adam", "lr 0.1", "sgd"]
        assert {saved["sweep_id"] for saved in runs.values()} == {run.race_id}  # one race again
        assert {saved["steps"] for saved in runs.values()} == {2} and {saved["status"] for saved in runs.values()} == {
            "paused"
        }
        by_label = {lane["label"]: lane for lane in view["lanes"]}
        for name, saved in runs.items():
            assert saved["final_w"] == pytest.approx(by_label[name.split(" · ")[0]]["w"])
    assert recovered_files(store_path) == []


def test_a_race_survives_an_engine_restart_by_replaying_every_lane() -> None:
    import os
    import signal
    import time

    engine = EngineClient()
    try:
        lanes = [{"overrides": {}}, {"overrides": {"optimizer": "adam"}}]
        run = LiveRun(engine, config=RegressionConfig(n_samples=100, epochs=5), lanes=lanes)
        run.tick()
        run.step_epoch()
        run.change(learning_rate=0.05)  # a sidebar change: every lane's event at step 100
        run._with_engine(lambda handle: engine.race(handle, "update_lane", index=1, changes={"batch_size": 4}))
        run.step_epoch()
        before = run.tick()
        os.kill(engine.engine_pids()[0], signal.SIGKILL)
        time.sleep(0.5)
        after = run.tick()
        assert any("race was rebuilt" in notice for notice in run.notices), run.notices
        assert [lane["steps_done"] for lane in after["lanes"]] == [lane["steps_done"] for lane in before["lanes"]]
        assert [lane["steps_done"] for lane in after["lanes"]] == [200, 125]  # each lane's own epochs
        for ours, theirs in zip(after["lanes"], before["lanes"]):
            assert (ours["w"], ours["b"], ours["events"]) == (theirs["w"], theirs["b"], theirs["events"])
    finally:
        engine.shutdown()
