"""core.store.axis_range: a y range that leaves out a diverged run's swings but keeps starts, targets and ramps."""

from __future__ import annotations

import numpy as np
import pytest

from core.store.axis_range import robust_range

RAMP = np.concatenate([np.linspace(0.0, 5.0, 20), np.full(1980, 5.0)])  # reaches w* = 5 within 1% of the steps


def test_no_outliers_leaves_the_range_to_plotly() -> None:
    assert robust_range([RAMP, RAMP * 0.9], anchors=[0.0, 5.0]) is None
    assert robust_range([np.array([np.nan, np.inf])]) is None


def test_a_diverged_runs_swings_are_left_out_and_the_ramp_is_kept() -> None:
    diverged = 300_000.0 * (-1.0) ** np.arange(30) * np.geomspace(1e-4, 1.0, 30)
    low, high = robust_range([RAMP, diverged], anchors=[0.0, 5.0], reference=[RAMP])
    assert low == pytest.approx(-0.25) and high == pytest.approx(5.25)  # 0 to 5, padded by 5%


def test_without_a_reference_the_bulk_of_the_values_sets_the_range() -> None:
    spike = RAMP.copy()
    spike[1000] = 1e9
    low, high = robust_range([spike], anchors=[0.0, 5.0])
    assert -1.0 < low < 0.0 and 5.0 < high < 6.0


def test_log_ranges_are_in_log10_and_skip_non_positive_values() -> None:
    loss = np.geomspace(10.0, 1e-6, 1000)
    blown = np.concatenate([loss, [1e30, 0.0, -1.0]])
    low, high = robust_range([blown], anchors=[10.0], log=True)
    assert low == pytest.approx(-6 - 0.35) and high == pytest.approx(1 + 0.35)
