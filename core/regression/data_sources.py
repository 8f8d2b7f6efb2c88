"""The data sources' samples: the tutorial's line, with outliers, heteroscedastic, curved, or a user's data set."""

from __future__ import annotations

import numpy as np

from core.regression.config import ConfigError, RegressionConfig
from core.regression.dataset import Datasets
from core.regression.fields import UPLOADED

OUTLIER_ERRORS = (10.0, 30.0)  # an outlier's error: a random sign times a size drawn uniformly from this range
TRUE_LINE_SOURCES = frozenset({"synthetic", "outliers", "heteroscedastic"})


def has_true_line(config: RegressionConfig) -> bool:
    """Whether the data is a line w*·x + b* plus errors (else the least-squares fit is the reference)."""
    return config.data_source in TRUE_LINE_SOURCES


def _x(config: RegressionConfig) -> np.ndarray:
    """x ~ N(0, 1) from its own stream, so changing the targets, the noise or the source keeps the same x."""
    return np.random.default_rng([config.seed, 0]).standard_normal(config.n_samples, dtype=np.float32)


def _noise(config: RegressionConfig) -> np.ndarray:
    return np.random.default_rng([config.seed, 1]).standard_normal(config.n_samples, dtype=np.float32)


def synthetic(config: RegressionConfig) -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's data: y = w_target·x + b_target (+ N(0, noise_std²)), float32, fixed by the seed."""
    x = _x(config)
    y = np.float32(config.w_target) * x + np.float32(config.b_target)
    if config.noise_std > 0:
        y = y + np.float32(config.noise_std) * _noise(config)
    return x, y.astype(np.float32)


def outliers(config: RegressionConfig) -> tuple[np.ndarray, np.ndarray]:
    """The synthetic line with round(outlier_fraction·n) points, chosen by the seed, given errors of ±10 to ±30."""
    x, y = synthetic(config)
    count = int(round(config.outlier_fraction * config.n_samples))
    rng = np.random.default_rng([config.seed, 3])
    chosen = rng.choice(config.n_samples, size=count, replace=False)
    sizes = rng.uniform(*OUTLIER_ERRORS, size=count)
    signs = rng.choice(np.array([-1.0, 1.0]), size=count)
    y = y.copy()
    y[chosen] += (signs * sizes).astype(np.float32)
    return x, y


def heteroscedastic(config: RegressionConfig) -> tuple[np.ndarray, np.ndarray]:
    """y = w*·x + b* + (noise_std + noise_growth·|x|)·N(0, 1): the noise grows with |x|."""
    x = _x(config)
    spread = np.float32(config.noise_std) + np.float32(config.noise_growth) * np.abs(x)
    y = np.float32(config.w_target) * x + np.float32(config.b_target) + spread * _noise(config)
    return x, y.astype(np.float32)


def curved(config: RegressionConfig) -> tuple[np.ndarray, np.ndarray]:
    """y = a·x² + w*·x + b* (+ N(0, noise_std²)): a curve that no line fits."""
    x, y = synthetic(config)
    return x, (y + np.float32(config.curvature) * x * x).astype(np.float32)


GENERATORS = {"synthetic": synthetic, "outliers": outliers, "heteroscedastic": heteroscedastic, "curved": curved}


def uploaded(config: RegressionConfig, datasets: Datasets | None) -> tuple[np.ndarray, np.ndarray]:
    """The user's data set the config names by hash; ConfigError if it is not here or its size differs."""
    dataset = (datasets or {}).get(config.data_hash)
    if dataset is None:
        raise ConfigError(
            "data_hash", config.data_hash, "this data set is not loaded here: upload the CSV again (or --data FILE)"
        )
    if len(dataset) != config.n_samples:
        raise ConfigError("n_samples", config.n_samples, f"must equal the data set's {len(dataset):,} rows")
    return dataset.x, dataset.y


def source_data(config: RegressionConfig, datasets: Datasets | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The samples of a config's data source (datasets holds the user's data sets by hash)."""
    if config.data_source == UPLOADED:
        return uploaded(config, datasets)
    return GENERATORS[config.data_source](config)
