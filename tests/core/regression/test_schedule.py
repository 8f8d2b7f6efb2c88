"""core.regression.schedule: batches in epoch order cover every sample once per epoch, planned in any pieces."""

from __future__ import annotations

import numpy as np
import pytest

from core.regression.data import epoch_order
from core.regression.schedule import Position, plan_steps, steps_left


@pytest.mark.parametrize(
    ("n_samples", "batch_size", "shuffle"), [(10, 1, False), (10, 3, False), (11, 4, True), (7, 7, True)]
)
def test_each_epoch_uses_every_sample_once(n_samples: int, batch_size: int, shuffle: bool) -> None:
    plan = plan_steps(n_samples, batch_size, 5, shuffle, 3, Position(), 10_000)
    per_epoch = -(-n_samples // batch_size)
    assert plan.n_steps == 3 * per_epoch and plan.end == Position(3, 0)
    assert plan.indices.shape == plan.mask.shape == (3 * per_epoch, batch_size) and plan.indices.dtype == np.int32
    for epoch in range(3):
        rows = plan.epochs == epoch
        used = plan.indices[rows][plan.mask[rows] > 0]
        assert sorted(used.tolist()) == list(range(n_samples))
        order = epoch_order(n_samples, 5, epoch, shuffle)
        assert used.tolist() == (list(range(n_samples)) if order is None else order.tolist())
    assert plan.mask[per_epoch - 1].sum() == n_samples - (per_epoch - 1) * batch_size  # the last batch is short


def test_planning_in_pieces_gives_the_same_batches_as_all_at_once() -> None:
    whole = plan_steps(23, 4, 1, True, 2, Position(), 100)
    pieces, position = [], Position()
    for size in (1, 5, 2, 100):
        plan = plan_steps(23, 4, 1, True, 2, position, size)
        pieces.append(plan)
        position = plan.end
    np.testing.assert_array_equal(np.concatenate([p.indices for p in pieces]), whole.indices)
    np.testing.assert_array_equal(np.concatenate([p.mask for p in pieces]), whole.mask)
    np.testing.assert_array_equal(np.concatenate([p.epochs for p in pieces]), whole.epochs)
    assert pieces[1].end == Position(1, 0) and pieces[2].end == Position(1, 8)


def test_steps_left_counts_what_plan_steps_would_plan() -> None:
    for position in (Position(), Position(0, 8), Position(1, 20), Position(2, 0)):
        planned = plan_steps(23, 4, 0, False, 2, position, 1000).n_steps
        assert steps_left(23, 4, 2, position) == planned
    assert steps_left(23, 4, 2, Position(0, 8)) == 4 + 6


def test_nothing_is_planned_after_the_last_epoch() -> None:
    plan = plan_steps(10, 3, 0, False, 1, Position(1, 0), 5)
    assert plan.n_steps == 0 and plan.indices.shape == (0, 3) and plan.end == Position(1, 0)
    assert plan_steps(10, 3, 0, False, 1, Position(), 0).n_steps == 0
