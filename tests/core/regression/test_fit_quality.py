"""core.regression.fit_quality: R², RMSE and MAE against their textbook definitions."""

from __future__ import annotations

import numpy as np

from core.regression.fit_quality import fit_quality


def test_a_perfect_fit_and_a_flat_line() -> None:
    x = np.array([0.0, 1.0, 2.0, 3.0])
    assert fit_quality(x, 2 * x + 1, 2.0, 1.0) == (1.0, 0.0, 0.0)
    flat = fit_quality(x, 2 * x + 1, 0.0, 4.0)  # the mean of y: R² = 0
    assert abs(flat.r2) < 1e-12


def test_matches_the_definitions() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal(500)
    y = 3 * x - 1 + rng.standard_normal(500)
    quality = fit_quality(x.astype(np.float32), y.astype(np.float32), 2.5, -0.5)
    residual = y.astype(np.float32).astype(float) - (2.5 * x.astype(np.float32).astype(float) - 0.5)
    y64 = y.astype(np.float32).astype(float)
    assert np.isclose(quality.r2, 1 - (residual**2).sum() / ((y64 - y64.mean()) ** 2).sum())
    assert np.isclose(quality.rmse, np.sqrt((residual**2).mean()))
    assert np.isclose(quality.mae, np.abs(residual).mean())


def test_constant_y() -> None:
    x = np.array([1.0, 2.0])
    assert fit_quality(x, np.array([3.0, 3.0]), 0.0, 3.0).r2 == 1.0
    assert fit_quality(x, np.array([3.0, 3.0]), 1.0, 3.0).r2 == 0.0
