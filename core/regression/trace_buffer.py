"""A growable columnar store for trace rows (step, epoch, w, b, loss) that avoids re-concatenating."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

COLUMNS: tuple[str, ...] = ("step", "epoch", "w", "b", "loss")
DTYPES: dict[str, type] = {"step": np.int64, "epoch": np.int32, "w": np.float32, "b": np.float32, "loss": np.float32}


class TraceBuffer:
    """Preallocated column arrays that double in size when full."""

    def __init__(self, capacity: int) -> None:
        self._columns = {name: np.empty(max(1, capacity), dtype) for name, dtype in DTYPES.items()}
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def reserve(self, capacity: int) -> None:
        """Make room for at least capacity rows in all."""
        current = len(self._columns["step"])
        if capacity > current:
            grown = max(capacity, 2 * current)
            for name, column in self._columns.items():
                bigger = np.empty(grown, column.dtype)
                bigger[: self._size] = column[: self._size]
                self._columns[name] = bigger

    def append(self, step: Sequence, epoch: Sequence, w: Sequence, b: Sequence, loss: Sequence) -> None:
        """Add rows, column by column."""
        count = len(step)
        self.reserve(self._size + count)
        for name, values in zip(COLUMNS, (step, epoch, w, b, loss)):
            self._columns[name][self._size : self._size + count] = values
        self._size += count

    def column(self, name: str, start: int = 0) -> np.ndarray:
        """A read-only view of one column from row start."""
        view = self._columns[name][start : self._size]
        view.flags.writeable = False
        return view

    def last(self) -> dict[str, float]:
        """The newest row as plain numbers."""
        return {name: self._columns[name][self._size - 1].item() for name in COLUMNS}

    def frame(self, start: int = 0) -> pd.DataFrame:
        """Rows from start as a DataFrame (a copy)."""
        return pd.DataFrame({name: self._columns[name][start : self._size].copy() for name in COLUMNS})
