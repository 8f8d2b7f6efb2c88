"""core.regression.data_sources: each source draws what it says, the tutorial's stays as it was, uploads by hash."""

from __future__ import annotations

import numpy as np
import pytest

from core.regression.config import ConfigError, RegressionConfig
from core.regression.data import least_squares, make_data
from core.regression.data_sources import has_true_line
from core.regression.dataset import Dataset


def test_the_default_is_the_tutorials_line() -> None:
    x, y = make_data(RegressionConfig())
    expected_x = np.random.default_rng([0, 0]).standard_normal(1000, dtype=np.float32)
    np.testing.assert_array_equal(x, expected_x)
    np.testing.assert_array_equal(y, np.float32(5.0) * expected_x + np.float32(3.0))


def test_outliers_change_exactly_the_chosen_fraction_by_10_to_30() -> None:
    config = RegressionConfig(data_source="outliers", outlier_fraction=0.2)
    x, y = make_data(config)
    clean_x, clean_y = make_data(RegressionConfig())
    np.testing.assert_array_equal(x, clean_x)
    error = np.abs(y - clean_y)
    moved = error > 1e-3
    assert moved.sum() == 200
    assert error[moved].min() >= 10 - 1e-3 and error[moved].max() <= 30 + 1e-3
    assert make_data(config.replace(outlier_fraction=0.0))[1].tolist() == clean_y.tolist()


def test_heteroscedastic_noise_grows_with_abs_x() -> None:
    x, y = make_data(RegressionConfig(data_source="heteroscedastic", n_samples=20_000, noise_growth=2.0))
    residual = y - (5 * x + 3)
    near, far = np.abs(x) < 0.5, np.abs(x) > 1.5
    assert residual[far].std() > 3 * residual[near].std()


def test_curved_adds_a_x_squared_and_has_no_true_line() -> None:
    config = RegressionConfig(data_source="curved", curvature=2.0)
    x, y = make_data(config)
    np.testing.assert_allclose(y, 2 * x * x + 5 * x + 3, rtol=1e-5, atol=1e-5)
    assert not has_true_line(config) and has_true_line(RegressionConfig(data_source="outliers"))
    assert least_squares(x, y)[1] > 4  # the line lifts to meet the curve: b = 3 + 2·E[x²]


def test_uploaded_data_comes_by_hash_and_must_match_its_rows() -> None:
    data = Dataset.of([1, 2, 3], [2, 4, 6])
    config = RegressionConfig(data_source="csv", data_hash=data.hash, n_samples=3, batch_size=3)
    x, y = make_data(config, {data.hash: data})
    assert x.tolist() == [1, 2, 3] and y.tolist() == [2, 4, 6] and not has_true_line(config)
    with pytest.raises(ConfigError, match="not loaded here"):
        make_data(config, {})
    with pytest.raises(ConfigError, match="must equal the data set's 3 rows"):
        make_data(config.replace(n_samples=4), {data.hash: data})


def test_a_config_names_a_data_set_exactly_when_it_is_uploaded() -> None:
    with pytest.raises(ConfigError, match="upload a CSV"):
        RegressionConfig(data_source="csv")
    with pytest.raises(ConfigError, match="only data_source=csv has a data set"):
        RegressionConfig(data_hash="0123456789abcdef")
    with pytest.raises(ConfigError, match="must be empty or match"):
        RegressionConfig(data_source="csv", data_hash="not a hash")
