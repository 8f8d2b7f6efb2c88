"""URL query ↔ config: round trips, and bad values falling back to defaults with warnings."""

from __future__ import annotations

from core.regression.config import RegressionConfig
from core.regression.url_query import config_from_query, config_to_query


def test_round_trip_keeps_only_non_defaults() -> None:
    config = RegressionConfig(learning_rate=0.1, shuffle=True, n_samples=50, optimizer="adam")
    query = config_to_query(config, "eager")
    assert query == {"n_samples": "50", "learning_rate": "0.1", "shuffle": "1", "optimizer": "adam", "backend": "eager"}
    assert config_from_query(query) == (config, "eager", [])
    assert config_to_query(RegressionConfig()) == {}


def test_bad_values_fall_back_with_warnings_naming_them() -> None:
    config, backend, warnings = config_from_query(
        {"learning_rate": "nan", "n_samples": "abc", "foo": "1", "backend": "x", "epochs": "3", "shuffle": "maybe"}
    )
    assert config == RegressionConfig(epochs=3) and backend == "compiled"
    text = " ".join(warnings)
    for name in ("learning_rate", "n_samples", "foo", "backend", "shuffle"):
        assert name in text


def test_clashing_values_are_dropped_one_at_a_time() -> None:
    config, _, warnings = config_from_query({"n_samples": "10000", "batch_size": "5000"})
    assert config.batch_size == 5000
    config, _, warnings = config_from_query({"n_samples": "100", "batch_size": "5000"})
    assert config == RegressionConfig(n_samples=100) and "batch_size" in warnings[0]
