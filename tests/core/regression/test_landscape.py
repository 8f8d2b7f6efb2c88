"""core.regression.landscape: the mean-loss surface over (w, b) against a direct mean, and the chart's box."""

from __future__ import annotations

import numpy as np
import pytest

from core.regression.config import RegressionConfig
from core.regression.data import make_data, mean_loss
from core.regression.landscape import GRID_SIZE, MAX_SURFACE_SAMPLES, bounds, mean_loss_surface

BOX = (0.0, 8.0, -1.0, 6.0)


def direct(x: np.ndarray, y: np.ndarray, surface, loss: str, step: int = 1) -> np.ndarray:
    return np.array([[mean_loss(x[::step], y[::step], w, b, loss) for w in surface.w_values] for b in surface.b_values])


def test_the_mse_surface_from_moments_is_the_direct_mean() -> None:
    x, y = make_data(RegressionConfig(n_samples=5000, noise_std=0.7))
    surface = mean_loss_surface(x, y, "mse", BOX, size=12)
    assert surface.loss.shape == (12, 12) and surface.w_values[[0, -1]].tolist() == [0.0, 8.0]
    assert surface.b_values[[0, -1]].tolist() == [-1.0, 6.0]
    np.testing.assert_allclose(surface.loss, direct(x, y, surface, "mse"), rtol=1e-9, atol=1e-9)
    low = np.unravel_index(surface.loss.argmin(), surface.loss.shape)
    assert abs(surface.w_values[low[1]] - 5.0) < 0.8 and abs(surface.b_values[low[0]] - 3.0) < 0.7


@pytest.mark.parametrize("loss", ["mae", "huber"])
def test_other_losses_use_an_even_subsample(loss: str) -> None:
    x, y = make_data(RegressionConfig(n_samples=3 * MAX_SURFACE_SAMPLES, noise_std=0.5))
    surface = mean_loss_surface(x, y, loss, BOX, size=9)
    np.testing.assert_allclose(surface.loss, direct(x, y, surface, loss, step=3), rtol=1e-9)
    assert mean_loss_surface(x, y, loss, BOX).loss.shape == (GRID_SIZE, GRID_SIZE)


def test_bounds_hold_every_point_with_a_margin_and_a_minimum_span() -> None:
    w_low, w_high, b_low, b_high = bounds([(5.0, 3.0), (0.0, 0.0), (6.0, 2.0)])
    assert (w_low, w_high) == pytest.approx((3.0 - 6 * 0.85, 3.0 + 6 * 0.85))
    assert (b_low, b_high) == pytest.approx((1.5 - 3 * 0.85, 1.5 + 3 * 0.85))
    single = bounds([(1.0, 1.0)], margin=0.0)
    assert single == pytest.approx((0.0, 2.0, 0.0, 2.0))  # the 2.0 minimum span
