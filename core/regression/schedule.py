"""Which samples each update step uses: batches in epoch order, as index and mask arrays (NumPy only)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.regression.data import epoch_order


@dataclass(frozen=True)
class Position:
    """Where a run stands: the current epoch (0-based) and the next sample offset within it."""

    epoch: int = 0
    offset: int = 0


@dataclass(frozen=True)
class Plan:
    """The next steps' batches: indices[k, B] into the data, mask[k, B] (1 = real sample), each step's epoch."""

    indices: np.ndarray
    mask: np.ndarray
    epochs: np.ndarray
    end: Position

    @property
    def n_steps(self) -> int:
        """Number of planned steps."""
        return int(self.indices.shape[0])


def steps_left(n_samples: int, batch_size: int, epochs: int, position: Position) -> int:
    """Updates still to make from position until the last epoch ends."""
    if position.epoch >= epochs:
        return 0
    in_this_epoch = -(-(n_samples - position.offset) // batch_size)
    per_epoch = -(-n_samples // batch_size)
    return in_this_epoch + (epochs - position.epoch - 1) * per_epoch


def plan_steps(
    n_samples: int, batch_size: int, seed: int, shuffle: bool, epochs: int, start: Position, max_steps: int
) -> Plan:
    """Plan up to max_steps updates from start, stopping at the end of the last epoch."""
    index_parts, mask_parts, epoch_parts = [], [], []
    epoch, offset, planned = start.epoch, start.offset, 0
    columns = np.arange(batch_size, dtype=np.int64)
    while planned < max_steps and epoch < epochs:
        count = min(-(-(n_samples - offset) // batch_size), max_steps - planned)
        starts = offset + batch_size * np.arange(count, dtype=np.int64)
        cells = starts[:, None] + columns[None, :]
        real = cells < n_samples
        cells = np.minimum(cells, n_samples - 1)
        order = epoch_order(n_samples, seed, epoch, shuffle)
        index_parts.append((cells if order is None else order[cells]).astype(np.int32))
        mask_parts.append(real.astype(np.float32))
        epoch_parts.append(np.full(count, epoch, dtype=np.int32))
        planned += count
        offset += count * batch_size
        if offset >= n_samples:
            epoch, offset = epoch + 1, 0
    if not index_parts:
        empty = np.zeros((0, batch_size), dtype=np.int32)
        return Plan(empty, empty.astype(np.float32), np.zeros(0, np.int32), Position(epoch, offset))
    return Plan(
        np.concatenate(index_parts), np.concatenate(mask_parts), np.concatenate(epoch_parts), Position(epoch, offset)
    )
