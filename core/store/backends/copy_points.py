"""Point columns to PostgreSQL's binary COPY format and back from packed rows, with numpy (no per-row Python)."""

from __future__ import annotations

import numpy as np

from core.store.points import POINT_COLUMNS, POINT_DTYPE

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = SIGNATURE + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"  # flags, header-extension length
TRAILER = b"\xff\xff"
VALUE_BYTES = 8  # every column is int8 or float8
WRITTEN = ("run_id", *POINT_COLUMNS)  # the COPY column list, in this order
WHOLE_NUMBERS = frozenset({"run_id", "step", "epoch"})  # int8; the rest are float8


def _row_dtype(names: tuple[str, ...]) -> np.dtype:
    """One binary COPY row: a field count, then each field as a 4-byte length and an 8-byte big-endian value."""
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for name in names:
        fields += [(f"{name}_length", ">i4"), (name, ">i8" if name in WHOLE_NUMBERS else ">f8")]
    return np.dtype(fields)


WRITE_ROW = _row_dtype(WRITTEN)
READ_ROW = np.dtype([(name, ">i8" if name in WHOLE_NUMBERS else ">f8") for name in POINT_COLUMNS])


def copy_rows(run_id: int, columns: dict[str, np.ndarray], start: int, stop: int) -> bytes:
    """Rows start..stop of a run's columns as binary COPY rows (NaN is stored as float8 NaN)."""
    rows = np.empty(stop - start, dtype=WRITE_ROW)
    rows["count"] = len(WRITTEN)
    for name in WRITTEN:
        rows[f"{name}_length"] = VALUE_BYTES
    rows["run_id"] = run_id
    for name in POINT_COLUMNS:
        rows[name] = columns[name][start:stop]
    return rows.tobytes()


def point_table(data: bytes) -> np.ndarray:
    """Packed big-endian (step, epoch, w, b, loss) rows, as PostgreSQL's int8send/float8send write them."""
    rows = np.frombuffer(data, dtype=READ_ROW)
    table = np.empty(len(rows), dtype=POINT_DTYPE)
    for name in POINT_COLUMNS:
        table[name] = rows[name]
    return table
