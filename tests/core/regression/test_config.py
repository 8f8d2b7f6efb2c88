"""RegressionConfig: tutorial defaults, validation messages, limits and dict/JSON round trips."""

from __future__ import annotations

import math

import pytest

from core.regression.config import ConfigError, RegressionConfig, check_total_steps, step_count_text
from core.regression.fields import MAX_SAMPLES, MAX_TOTAL_STEPS


def test_defaults_are_the_tutorials() -> None:
    config = RegressionConfig()
    assert (config.w_target, config.b_target, config.n_samples) == (5.0, 3.0, 1000)
    assert (config.epochs, config.learning_rate, config.batch_size) == (2, 1e-2, 1)
    assert (config.noise_std, config.w_init, config.b_init) == (0.0, 0.0, 0.0)
    assert (config.optimizer, config.loss, config.shuffle) == ("sgd", "mse", False)
    assert config.total_steps == 2000


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("learning_rate", -0.1, "(0, 10]"),
        ("learning_rate", math.nan, "finite"),
        ("learning_rate", math.inf, "finite"),
        ("n_samples", 0, "[1, 10,000,000]"),
        ("n_samples", MAX_SAMPLES + 1, "[1, 10,000,000]"),
        ("n_samples", 2.5, "whole number"),
        ("epochs", 0, "[1, 10,000]"),
        ("optimizer", "lbfgs", "sgd, momentum, nesterov, rmsprop, adam, adagrad"),
        ("loss", "hinge", "mse, mae, huber"),
        ("noise_std", -1.0, "[0, 1000]"),
        ("w_target", math.nan, "finite"),
        ("seed", -1, "whole number"),
        ("shuffle", "yes", "true or false"),
        ("batch_size", 1001, "[1, 1,000]"),
        ("w_init", "3", "finite number"),
        ("b_init", True, "finite number"),
    ],
)
def test_bad_values_raise_config_error_naming_field_value_and_range(field: str, value: object, allowed: str) -> None:
    with pytest.raises(ConfigError) as caught:
        RegressionConfig(**{field: value})
    assert caught.value.field == field
    assert allowed in str(caught.value)
    assert field in str(caught.value) and repr(value) in str(caught.value)


def test_total_steps_are_bounded() -> None:
    with pytest.raises(ConfigError, match=f"{MAX_TOTAL_STEPS:,}"):
        RegressionConfig(n_samples=10_000, epochs=10_000)


def test_dict_and_json_round_trip() -> None:
    config = RegressionConfig(learning_rate=0.1, optimizer="ADAM ", batch_size=10, shuffle=True, noise_std=0.5)
    assert config.optimizer == "adam"
    assert RegressionConfig.from_dict(config.to_dict()) == config
    assert RegressionConfig.from_json(config.to_json()) == config
    assert RegressionConfig.from_dict({"epochs": 3}) == RegressionConfig(epochs=3)


def test_unknown_fields_and_bad_json_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown field"):
        RegressionConfig.from_dict({"momentum": 0.9})
    with pytest.raises(ConfigError, match="valid JSON"):
        RegressionConfig.from_json("{not json")
    with pytest.raises(ConfigError, match="unknown field"):
        RegressionConfig().replace(lr=0.1)


def test_replace_validates() -> None:
    with pytest.raises(ConfigError):
        RegressionConfig().replace(learning_rate=0)
    assert RegressionConfig().replace(learning_rate=0.5).learning_rate == 0.5


def test_integral_floats_are_accepted_for_whole_numbers() -> None:
    assert RegressionConfig(n_samples=1000.0).n_samples == 1000


def test_the_total_steps_error_names_every_field_behind_the_count() -> None:
    with pytest.raises(ConfigError) as caught:
        RegressionConfig(n_samples=10_000_000, epochs=2)
    message = str(caught.value)
    assert caught.value.field == "total_steps" and caught.value.value == 20_000_000
    for part in ("epochs=2", "n_samples=10000000", "batch_size=1", "20,000,000 steps", f"{MAX_TOTAL_STEPS:,}"):
        assert part in message, part
    assert RegressionConfig(n_samples=10_000_000, epochs=1).total_steps == MAX_TOTAL_STEPS


def test_check_total_steps_counts_the_last_short_batch() -> None:
    check_total_steps(n_samples=9_999_999, batch_size=2, epochs=2)  # 2 × 5,000,000 steps
    with pytest.raises(ConfigError, match="10,000,002 steps"):
        check_total_steps(n_samples=10_000_001, batch_size=2, epochs=2)  # 2 × 5,000,001
    assert step_count_text(1000, 32, 2) == "epochs=2 × ceil(n_samples=1000 / batch_size=32) = 64 steps"
