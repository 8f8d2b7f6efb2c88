"""The lanes table's rows and the cell texts a tick writes into it (ui/live/lanes_table.py)."""

from __future__ import annotations

from ui.live import lanes_table

SINGLE = {
    "config": {"optimizer": "sgd"},
    "w": 4.98765,
    "b": 2.5,
    "mean_loss": 0.0123456,
    "steps_done": 12345,
    "status": "running",
    "converged_step": None,
}
RACE = {
    "lanes": [
        {
            "label": "sgd",
            "overrides": {},
            "w": 1.0,
            "b": 2.0,
            "loss": 3.0,
            "steps_done": 0,
            "status": "running",
            "converged_step": None,
            "steps_per_s": None,
            "colour": "#1f77b4",
        },
        {
            "label": "adam",
            "overrides": {"optimizer": "adam"},
            "w": 5.00001,
            "b": 3.0,
            "loss": 1e-7,
            "steps_done": 1500,
            "status": "diverged",
            "converged_step": 1200,
            "steps_per_s": 987.6,
            "colour": "#ff7f0e",
        },
    ]
}


def test_a_single_run_is_one_row_with_its_numbers_formatted() -> None:
    (cells,) = lanes_table.cell_texts(SINGLE)
    assert cells == ["sgd", "—", "4.9877", "2.5000", "0.01235", "12,345", "running", "—", "—"]


def test_each_lane_is_a_row_and_the_table_drawn_holds_the_same_values() -> None:
    first, second = lanes_table.cell_texts(RACE)
    assert first[:2] == ["sgd", "—"] and first[5:7] == ["0", "running"]
    assert second == ["adam", "optimizer adam", "5.0000", "3.0000", "1e-07", "1,500", "diverged", "1,200", "988"]
    table = lanes_table.rows(RACE, playing=False)
    assert list(table.columns) == list(lanes_table.COLUMNS)
    assert table["status"].tolist() == ["ready", "diverged"]  # a race that is not playing: not started yet
    assert table["step"].tolist() == [0, 1500] and table["colour"].tolist() == ["#1f77b4", "#ff7f0e"]
