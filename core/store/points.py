"""A run's points (step, epoch, w, b, loss): checked as arrays, written with multi-row INSERTs, read as a table."""

from __future__ import annotations

import itertools
import math
import sqlite3
from typing import Any

import numpy as np

from core.store.store_errors import StoreError

POINT_COLUMNS: tuple[str, ...] = ("step", "epoch", "w", "b", "loss")
ROWS_PER_INSERT = 100  # rows per multi-row INSERT statement (500 parameters, under every SQLite limit)
ROWS_PER_BLOCK = 100 * ROWS_PER_INSERT  # rows turned into Python objects at a time, to bound memory

POINT_DTYPE = np.dtype(
    [("step", np.int64), ("epoch", np.int64), ("w", np.float64), ("b", np.float64), ("loss", np.float64)]
)


def point_columns(step: Any, epoch: Any, w: Any, b: Any, loss: Any) -> dict[str, np.ndarray]:
    """The five point columns as 1-D arrays of one length, steps strictly increasing; else StoreError."""
    columns = {"step": _integers("step", step), "epoch": _integers("epoch", epoch)}
    for name, values in (("w", w), ("b", b), ("loss", loss)):
        try:
            columns[name] = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise StoreError(f"{name} must be an array of numbers") from None
    lengths = {name: values.shape for name, values in columns.items()}
    if any(len(shape) != 1 for shape in lengths.values()) or len(set(lengths.values())) != 1:
        raise StoreError(f"step, epoch, w, b and loss must be 1-D and of the same length; got shapes {lengths}")
    if np.any(np.diff(columns["step"]) <= 0):
        raise StoreError("step values must be strictly increasing")
    return columns


def _integers(name: str, values: Any) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
        return array.astype(np.int64)
    if array.size == 0:
        return array.astype(np.int64)
    raise StoreError(f"{name} must be an array of whole numbers")


def final_values(columns: dict[str, np.ndarray], final_loss: float | None = None) -> dict[str, Any]:
    """The run row's final_w, final_b, final_step_loss (the last step's own loss), steps and final_loss.

    final_loss is the mean loss over all the data at the final (w, b), which only the trainer can compute; a caller
    that does not give it gets the last step's loss there too.
    """
    if len(columns["step"]) == 0:
        finals = {"final_w": None, "final_b": None, "final_step_loss": None, "steps": 0}
    else:
        last = {name: float(columns[name][-1]) for name in ("w", "b", "loss")}
        finals = {"final_w": last["w"], "final_b": last["b"], "final_step_loss": last["loss"]}
        finals = {key: None if math.isnan(value) else value for key, value in finals.items()}
        finals["steps"] = int(columns["step"][-1])
    chosen = finals["final_step_loss"] if final_loss is None else float(final_loss)
    finals["final_loss"] = None if chosen is None or math.isnan(chosen) else chosen
    return finals


def insert_points(connection: sqlite3.Connection, run_id: int, columns: dict[str, np.ndarray]) -> None:
    """Insert all points with multi-row INSERTs, a block of rows at a time."""
    n_rows = len(columns["step"])
    per_row = len(POINT_COLUMNS)
    full_sql = _points_sql(run_id, ROWS_PER_INSERT)
    width = per_row * ROWS_PER_INSERT
    for start in range(0, n_rows, ROWS_PER_BLOCK):
        stop = min(start + ROWS_PER_BLOCK, n_rows)
        block = [columns[name][start:stop].tolist() for name in POINT_COLUMNS]
        flat = list(itertools.chain.from_iterable(zip(*block)))
        whole = (stop - start) // ROWS_PER_INSERT * width
        connection.executemany(full_sql, (flat[at : at + width] for at in range(0, whole, width)))
        if whole < len(flat):
            connection.execute(_points_sql(run_id, (len(flat) - whole) // per_row), flat[whole:])


def _points_sql(run_id: int, n_rows: int) -> str:
    row = f"({int(run_id)}, ?, ?, ?, ?, ?)"
    return "INSERT INTO points (run_id, step, epoch, w, b, loss) VALUES " + ", ".join([row] * n_rows)
