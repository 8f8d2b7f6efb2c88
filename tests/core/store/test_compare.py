"""core.store.compare: the runs table, config differences, baseline deltas, x axes and the exports."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from core.regression.config import RegressionConfig
from core.store.compare import (
    FINAL_LOSS,
    STEP_LOSS,
    baseline_frame,
    chart_series,
    config_frame,
    converged_at,
    long_csv,
    run_labels,
    runs_frame,
    runs_json,
    x_values,
)


def run(run_id: int, name: str, final_loss: float | None = 0.5, **config: object) -> dict:
    return {
        "id": run_id,
        "name": name,
        "status": "done",
        "config": RegressionConfig(**config).to_dict(),
        "final_w": 5.0 - run_id,
        "final_b": 3.0,
        "final_loss": final_loss,
        "steps": 10 * run_id,
        "created_at": "2025-01-02T03:04:05.123456+00:00",
        "tags": ["a", "b"],
        "sweep_id": None,
        "events": [],
        "message": "",
        "notes": "",
        "updated_at": "",
    }


def points(n: int) -> pd.DataFrame:
    step = np.arange(n)
    return pd.DataFrame(
        {"step": step, "epoch": step // 4, "w": step * 1.0, "b": step * 0.5, "loss": [np.nan] + [1.0] * (n - 1)}
    )


def test_runs_frame_has_key_settings_finals_and_a_short_date() -> None:
    frame = runs_frame([run(1, "one", learning_rate=0.1), run(2, "two", final_loss=None)])
    assert frame.loc[0, ["lr", "optimizer", "batch", "final w", "steps"]].tolist() == [0.1, "sgd", 1, 4.0, 10]
    assert frame.loc[0, "created (UTC)"] == "2025-01-02 03:04:05" and frame.loc[0, "tags"] == "a, b"
    assert np.isnan(frame.loc[1, FINAL_LOSS])


def test_both_losses_are_shown_under_headers_that_say_which_is_which() -> None:
    """final_loss: the mean over all the data at the final w, b; final_step_loss (newer stores): the last step's."""
    older, newer = run(1, "older", final_loss=0.25), {**run(2, "newer", final_loss=0.5), "final_step_loss": 0.75}
    frame = runs_frame([older, newer])
    assert FINAL_LOSS == "final loss (mean over data)" and STEP_LOSS == "last step's loss"
    assert frame[FINAL_LOSS].tolist() == [0.25, 0.5]
    assert np.isnan(frame.loc[0, STEP_LOSS]) and frame.loc[1, STEP_LOSS] == 0.75
    deltas = baseline_frame([older, newer], {1: None, 2: None}, baseline_id=1)
    assert deltas[FINAL_LOSS].tolist() == [0.25, 0.5] and deltas["Δ loss"].tolist() == [0.0, 0.25]
    assert np.isnan(deltas.loc[0, STEP_LOSS]) and deltas.loc[1, STEP_LOSS] == 0.75


def test_chart_series_smooths_the_loss_keeps_the_raw_one_and_follows_target_changes() -> None:
    changed = {**run(1, "changed", w_target=2.0), "events": [{"step": 2, "field": "w_target", "old": 5.0, "new": 2.0}]}
    frame = points(5).assign(loss=[4.0, 2.0, 1.0, 0.5, 0.25])
    series = chart_series(changed, frame, "changed", "step", 0.9)
    assert series["raw_loss"].tolist() == [4.0, 2.0, 1.0, 0.5, 0.25] and series["loss"][1] == pytest.approx(3.8)
    assert series["w_target_path"] == {"x": [0, 2, 2, 4], "y": [5, 5, 2, 2]}
    assert series["b_target_path"] == {"x": [0, 4], "y": [3, 3]}
    assert series["events"]["x"] == [2] and series["events"]["w"] == [2.0]
    assert chart_series(changed, frame, "changed", "step", 0.0)["raw_loss"] is None  # not smoothing: one line


def test_config_frame_keeps_only_differing_fields_when_asked() -> None:
    runs = [run(1, "same"), run(2, "same", learning_rate=0.1, optimizer="adam")]
    assert run_labels(runs) == {1: "same (#1)", 2: "same (#2)"}
    assert config_frame(runs, differences_only=True).columns.tolist() == ["learning_rate", "optimizer"]
    assert config_frame(runs).index.tolist() == ["same (#1)", "same (#2)"]


def test_baseline_deltas_and_convergence() -> None:
    trace = pd.DataFrame({"step": range(5), "w": [0, 4.995, 5.5, 5.001, 5.0], "b": [3.0] * 5})
    assert converged_at(trace, {"w_target": 5.0, "b_target": 3.0}) == 3
    assert converged_at(trace, {"w_target": 6.0}) is None
    frame = baseline_frame([run(1, "a"), run(2, "b", final_loss=None)], {1: 30, 2: None}, baseline_id=1)
    assert (
        frame["Δ w"].tolist() == [0.0, -1.0] and np.isnan(frame.loc[1, "Δ loss"]) and np.isnan(frame.loc[1, "Δ steps"])
    )


def test_x_axis_is_the_step_or_the_fractional_epoch() -> None:
    frame = points(6).assign(epoch=[0, 0, 0, 1, 1, 2])  # the Trainer's epochs for 4 samples, batches of 2
    config = RegressionConfig(n_samples=4, batch_size=2).to_dict()
    assert x_values(frame, config, "step").tolist() == list(range(6))
    assert x_values(frame, config, "epoch").tolist() == pytest.approx([0, 0.5, 1, 1.5, 2, 2.5])


def test_epoch_axis_follows_the_recorded_epochs_when_batch_size_changed_mid_run() -> None:
    from core.regression.trainer import Trainer

    trainer = Trainer(RegressionConfig(n_samples=20, epochs=3), "compiled")
    trainer.step(20)
    trainer.update(batch_size=5)
    trainer.run()
    x = x_values(trainer.trace, trainer.config.to_dict(), "epoch")
    assert x[-1] == pytest.approx(3.0) and x[20] == pytest.approx(1.0) and x[24] == pytest.approx(2.0)


def test_exports_hold_every_point_and_json_is_strict() -> None:
    runs = [run(1, "one"), run(2, "two, quoted")]
    series = {1: points(3), 2: points(2)}
    table = pd.read_csv(io.StringIO(long_csv(runs, series)))
    assert table.columns.tolist() == ["run_id", "name", "step", "epoch", "w", "b", "loss"]
    assert table["run_id"].tolist() == [1, 1, 1, 2, 2] and table["name"].iloc[-1] == "two, quoted"
    exported = json.loads(runs_json(runs, series))["runs"]
    assert exported[0]["points"]["loss"] == [None, 1.0, 1.0] and exported[1]["config"]["optimizer"] == "sgd"
