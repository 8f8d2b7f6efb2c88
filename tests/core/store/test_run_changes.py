"""core.store.run_changes: a run's mid-run changes as a table, as chart marks, and its targets as step-wise lines."""

from __future__ import annotations

import numpy as np
import pytest

from core.store.run_changes import event_marks, events_frame, run_events, target_path, target_steps

W_CHANGE = {"step": 100, "field": "w_target", "old": 5.0, "new": 2.0}
LATER_W_CHANGE = {"step": 150, "field": "w_target", "old": 2.0, "new": -1.5}
LR_CHANGE = {"step": 50, "field": "learning_rate", "old": 0.01, "new": 0.1}


def run(*events: dict, run_id: int = 1) -> dict:
    return {"id": run_id, "events": list(events)}


def test_events_come_in_step_order_and_malformed_ones_are_left_out() -> None:
    stored = run(W_CHANGE, {"step": "x", "field": "seed"}, "not a dict", LR_CHANGE)
    assert run_events(stored) == [LR_CHANGE, W_CHANGE]
    assert run_events({"id": 2}) == []


def test_the_events_table_shows_step_field_and_old_to_new() -> None:
    frame = events_frame([run(W_CHANGE, LR_CHANGE), run(run_id=2)], {1: "first", 2: "second"})
    assert frame.to_dict("records") == [
        {"run": "first", "step": 50, "field": "learning_rate", "change": "0.01 → 0.1"},
        {"run": "first", "step": 100, "field": "w_target", "change": "5 → 2"},
    ]
    assert events_frame([run(run_id=2)], {2: "second"}).empty


def test_a_changed_target_is_old_until_its_step_then_new() -> None:
    assert target_steps(run(W_CHANGE, LATER_W_CHANGE, LR_CHANGE), "w_target", -1.5) == [
        (0, 5.0),
        (100, 2.0),
        (150, -1.5),
    ]
    assert target_steps(run(LR_CHANGE), "w_target", 5.0) == [(0, 5.0)]
    assert target_steps(run({**W_CHANGE, "old": "five"}), "w_target", 2.0) == [(0, 2.0)]  # not a number
    steps = np.arange(201)
    path = target_path(run(W_CHANGE, LATER_W_CHANGE), "w_target", -1.5, steps, steps)
    assert path == {"x": [0, 100, 100, 150, 150, 200], "y": [5, 5, 2, 2, -1.5, -1.5]}
    epochs = steps / 100  # the epoch axis: the jump lands at epoch 1
    assert target_path(run(W_CHANGE), "w_target", 2.0, steps, epochs)["x"] == [0, 1, 1, 2]


def test_event_marks_sit_on_each_series_at_the_events_x() -> None:
    steps = np.arange(0, 201, 10)  # a downsampled series: step 55 falls between two points
    values = {"w": steps * 0.1, "loss": np.full(len(steps), 3.0)}
    marks = event_marks(run({**LR_CHANGE, "step": 55}), steps, steps / 100, values)
    assert marks["x"] == [0.55] and marks["w"] == [pytest.approx(5.5)] and marks["loss"] == [3.0]
    assert marks["label"] == ["lr 0.01→0.1 @ step 55"]
    assert event_marks(run(), steps, steps, values) == {"x": [], "label": [], "w": [], "loss": []}
