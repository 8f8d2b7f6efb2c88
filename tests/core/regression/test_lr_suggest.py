"""core.regression.lr_suggest: the range test's rule on hand-made losses."""

from __future__ import annotations

import numpy as np

from core.regression.lr_suggest import judge, learning_rates


def test_64_rates_from_1e_5_to_10() -> None:
    rates = learning_rates()
    assert len(rates) == 64 and rates[0] == 1e-5 and np.isclose(rates[-1], 10.0)
    assert np.allclose(np.diff(np.log(rates)), np.log(rates[1] / rates[0]))


def test_the_largest_stable_rate_near_the_lowest_loss_is_suggested() -> None:
    rates = np.array([0.001, 0.01, 0.1, 1.0, 10.0])
    losses = np.array([5.0, 1.0, 1.005, 3.0, np.nan])
    result = judge(rates, losses, np.array([True, True, True, True, False]), start_loss=10.0)
    assert result.suggested == 0.1 and result.max_stable == 1.0 and result.edge == 10.0
    assert result.losses == [5.0, 1.0, 1.005, 3.0, None]


def test_a_loss_above_the_start_is_divergence_and_stability_needs_every_smaller_rate() -> None:
    rates = np.array([0.001, 0.01, 0.1, 1.0])
    result = judge(rates, np.array([5.0, 12.0, 1.0, 1.0]), np.ones(4, bool), start_loss=10.0)
    assert result.max_stable == 0.001 and result.edge == 0.01 and result.suggested == 0.001
    assert result.losses[1] is None


def test_exact_fits_compare_against_the_start_and_all_diverged_suggests_nothing() -> None:
    rates = np.array([0.01, 0.1, 1.0])
    exact = judge(rates, np.array([1e-3, 1e-13, 3e-6]), np.ones(3, bool), start_loss=34.0)
    assert exact.suggested == 1.0  # 3e-6 is within a millionth of the start loss above 1e-13
    none = judge(rates, np.array([np.inf] * 3), np.zeros(3, bool), start_loss=34.0)
    assert none.suggested is None and none.max_stable is None and none.edge == 0.01
