"""core.store.points: point columns checked as arrays, finals, and multi-row INSERTs across block boundaries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from core.store.points import ROWS_PER_BLOCK, ROWS_PER_INSERT, final_values, insert_points, point_columns
from core.store.schema import migrate
from core.store.store_errors import StoreError


def columns(n: int) -> dict[str, np.ndarray]:
    step = np.arange(n)
    return point_columns(step, step // 7, step * 0.5, -step * 1.0, np.full(n, 0.25))


def test_columns_become_arrays_of_one_length() -> None:
    got = point_columns([0, 1.0, 2], [0, 0, 1], [1, 2, 3], [0.5, 0.5, 0.5], [np.nan, 1.0, 2.0])
    assert got["step"].dtype == got["epoch"].dtype == np.int64 and got["w"].dtype == np.float64
    assert got["step"].tolist() == [0, 1, 2] and np.isnan(got["loss"][0])
    assert all(len(values) == 0 for values in point_columns([], [], [], [], []).values())


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"step": [0, 1.5, 2]}, "step must be an array of whole numbers"),
        ({"epoch": ["a", "b", "c"]}, "epoch must be an array of whole numbers"),
        ({"w": ["x", 1, 2]}, "w must be an array of numbers"),
        ({"b": [1.0, 2.0]}, "must be 1-D and of the same length"),
        ({"loss": [[1.0], [2.0], [3.0]]}, "must be 1-D and of the same length"),
        ({"step": [0, 2, 2]}, "strictly increasing"),
    ],
)
def test_bad_columns_are_store_errors(changes: dict, words: str) -> None:
    values = {"step": [0, 1, 2], "epoch": [0, 0, 0], "w": [0.0, 1.0, 2.0], "b": [0.0] * 3, "loss": [1.0] * 3}
    with pytest.raises(StoreError, match=words):
        point_columns(**{**values, **changes})


def test_finals_are_the_last_row_with_nan_as_none() -> None:
    empty = {"final_w": None, "final_b": None, "final_loss": None, "final_step_loss": None, "steps": 0}
    assert final_values(columns(0)) == empty
    last = {"final_w": 4.5, "final_b": -9.0, "final_step_loss": 0.25, "steps": 9}
    assert final_values(columns(10)) == {**last, "final_loss": 0.25}
    nan_loss = {**columns(3), "loss": np.array([1.0, 2.0, np.nan])}
    assert final_values(nan_loss)["final_loss"] is None and final_values(nan_loss)["final_step_loss"] is None


def test_final_loss_is_the_given_mean_over_the_data_and_the_step_loss_is_kept_apart() -> None:
    finals = final_values(columns(10), final_loss=0.125)
    assert finals["final_loss"] == 0.125 and finals["final_step_loss"] == 0.25
    assert final_values(columns(10), final_loss=float("nan"))["final_loss"] is None


@pytest.mark.parametrize("n", [0, 1, ROWS_PER_INSERT, ROWS_PER_INSERT + 1, ROWS_PER_BLOCK + 37])
def test_every_point_is_inserted_once_across_statement_and_block_edges(tmp_path: Path, n: int) -> None:
    connection = sqlite3.connect(tmp_path / "points.sqlite3")
    migrate(connection)
    data = columns(n)
    insert_points(connection, 5, data)
    rows = connection.execute("SELECT step, epoch, w, b, loss FROM points WHERE run_id = 5 ORDER BY step").fetchall()
    assert len(rows) == n
    expected = list(zip(*(data[name].tolist() for name in ("step", "epoch", "w", "b", "loss"))))
    assert rows == expected
