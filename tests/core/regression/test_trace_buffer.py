"""core.regression.trace_buffer: a columnar trace that grows by doubling and hands out read-only views."""

from __future__ import annotations

import numpy as np
import pytest

from core.regression.trace_buffer import COLUMNS, DTYPES, TraceBuffer


def rows(start: int, count: int) -> tuple[np.ndarray, ...]:
    step = np.arange(start, start + count)
    return step, step // 10, step * 0.5, -step * 1.0, 1.0 / (step + 1)


def test_appends_grow_past_the_capacity_and_keep_every_row() -> None:
    buffer = TraceBuffer(4)
    for start, count in ((0, 3), (3, 3), (6, 100)):
        buffer.append(*rows(start, count))
    assert len(buffer) == 106 and len(buffer._columns["step"]) >= 106
    frame = buffer.frame()
    assert list(frame.columns) == list(COLUMNS) and frame["step"].tolist() == list(range(106))
    assert {name: frame[name].dtype for name in COLUMNS} == {name: np.dtype(dtype) for name, dtype in DTYPES.items()}
    np.testing.assert_array_equal(frame["w"].to_numpy(), (np.arange(106) * 0.5).astype(np.float32))
    assert buffer.last() == {"step": 105, "epoch": 10, "w": 52.5, "b": -105.0, "loss": pytest.approx(1 / 106)}


def test_reserve_doubles_at_least_and_keeps_the_rows() -> None:
    buffer = TraceBuffer(8)
    buffer.append(*rows(0, 5))
    buffer.reserve(9)
    assert len(buffer._columns["w"]) == 16 and buffer.column("step").tolist() == [0, 1, 2, 3, 4]
    buffer.reserve(100)
    assert len(buffer._columns["w"]) == 100 and len(buffer) == 5
    buffer.reserve(10)  # never shrinks
    assert len(buffer._columns["w"]) == 100


def test_columns_are_read_only_views_and_frames_are_copies() -> None:
    buffer = TraceBuffer(10)
    buffer.append(*rows(0, 6))
    view = buffer.column("loss", start=2)
    assert len(view) == 4 and not view.flags.writeable and np.shares_memory(view, buffer._columns["loss"])
    with pytest.raises(ValueError, match="read-only"):
        view[0] = 1.0
    frame = buffer.frame(start=4)
    frame.loc[:, "w"] = 99.0
    assert frame["step"].tolist() == [4, 5] and buffer.column("w")[4] == 2.0
    buffer.append(*rows(6, 1))  # appending after handing out a view still works
    assert buffer.column("step").tolist() == list(range(7))
