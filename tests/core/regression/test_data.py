"""core.regression.data: seeded samples, the shuffle order, and closed-form facts checked against direct NumPy/TF."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from core.regression.config import RegressionConfig
from core.regression.data import epoch_order, least_squares, make_data, max_stable_learning_rate, mean_loss


def test_data_follows_the_targets_and_is_fixed_by_the_seed() -> None:
    config = RegressionConfig(n_samples=500, w_target=-2.0, b_target=0.5)
    x, y = make_data(config)
    assert x.dtype == y.dtype == np.float32 and x.shape == y.shape == (500,)
    np.testing.assert_array_equal(y, np.float32(-2.0) * x + np.float32(0.5))
    again, _ = make_data(config)
    other, _ = make_data(config.replace(seed=1))
    np.testing.assert_array_equal(x, again)
    assert not np.array_equal(x, other) and abs(float(x.mean())) < 0.2 and abs(float(x.std()) - 1.0) < 0.1


def test_noise_and_targets_leave_x_unchanged() -> None:
    x, y = make_data(RegressionConfig(n_samples=2000))
    noisy_x, noisy_y = make_data(RegressionConfig(n_samples=2000, noise_std=0.5, w_target=1.0))
    np.testing.assert_array_equal(x, noisy_x)
    assert float(np.std(noisy_y - (noisy_x + 3.0))) == pytest.approx(0.5, rel=0.1)


def test_epoch_order_is_none_without_shuffle_and_a_seeded_permutation_with_it() -> None:
    assert epoch_order(10, 0, 0, False) is None
    first, second = epoch_order(10, 0, 0, True), epoch_order(10, 0, 1, True)
    assert sorted(first.tolist()) == sorted(second.tolist()) == list(range(10)) and first.dtype == np.int32
    assert not np.array_equal(first, second) and np.array_equal(first, epoch_order(10, 0, 0, True))


def test_least_squares_matches_numpy_and_a_constant_x_gives_the_mean() -> None:
    x, y = make_data(RegressionConfig(n_samples=300, noise_std=1.0, seed=4))
    w, b = least_squares(x, y)
    expected_w, expected_b = np.polyfit(x.astype(np.float64), y.astype(np.float64), 1)
    assert (w, b) == pytest.approx((expected_w, expected_b), abs=1e-9)
    assert least_squares(np.ones(4, np.float32), np.array([1, 2, 3, 6], np.float32)) == (0.0, 3.0)


def test_mean_loss_matches_tf_keras_losses() -> None:
    x, y = make_data(RegressionConfig(n_samples=200, noise_std=2.0))
    pred = 1.5 * x.astype(np.float64) - 0.5
    y64 = y.astype(np.float64)
    keras = {
        "mse": tf.keras.losses.MeanSquaredError(),
        "mae": tf.keras.losses.MeanAbsoluteError(),
        "huber": tf.keras.losses.Huber(delta=1.0),
    }
    for name, loss in keras.items():
        assert mean_loss(x, y, 1.5, -0.5, name) == pytest.approx(float(loss(y64, pred)), rel=1e-6), name


def test_max_stable_learning_rate_is_the_edge_of_stability_of_full_batch_sgd() -> None:
    x, y = make_data(RegressionConfig(n_samples=400, seed=2))
    rate = max_stable_learning_rate(x, "mse")
    hessian = 2 * np.array([[np.mean(x.astype(np.float64) ** 2), np.mean(x)], [np.mean(x), 1.0]])
    assert rate == pytest.approx(2 / np.linalg.eigvalsh(hessian).max())
    assert max_stable_learning_rate(x, "huber") == pytest.approx(2 * rate)
    assert max_stable_learning_rate(x, "mae") == rate

    def final_distance(lr: float) -> float:
        params = np.zeros(2)
        for _ in range(300):
            residual = params[0] * x + params[1] - y
            params = params - lr * 2 * np.array([np.mean(residual * x), np.mean(residual)])
        return float(np.abs(params - [5.0, 3.0]).max())

    assert final_distance(0.95 * rate) < 1.0 and final_distance(1.05 * rate) > 100.0
