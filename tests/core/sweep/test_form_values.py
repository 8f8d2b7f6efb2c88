"""core.sweep.form_values: the sweep form's comma lists and choices as sweep values, checked without TensorFlow."""

from __future__ import annotations

import pytest

from core.regression.config import ConfigError, RegressionConfig
from core.regression.fields import SWEEP_FORM
from core.sweep.form_values import LIST_EXAMPLES, parse_form_list, plan_sweep, sweep_values


def test_form_lists_are_parsed_and_bad_ones_name_the_field() -> None:
    assert parse_form_list("learning_rate", " 0.001, 0.01 ,") == [0.001, 0.01]
    assert parse_form_list("batch_size", "1,full") == [1, "full"]
    with pytest.raises(ConfigError, match=r"seed='0,x' is not allowed: 'x' is not a whole number; .* 0,1,2"):
        parse_form_list("seed", "0,x")
    values = sweep_values({"learning_rate": "0.1,0.2", "seed": " "}, {"optimizer": ["adam"], "loss": []})
    assert values == {"learning_rate": [0.1, 0.2], "optimizer": ["adam"]}
    with pytest.raises(ConfigError, match="choose at least one field"):
        sweep_values({"seed": ""}, {"optimizer": []})
    assert len(plan_sweep(RegressionConfig(n_samples=10), {"batch_size": [1, "full"]})) == 2
    with pytest.raises(ConfigError, match="batch_size=20 is not allowed"):
        plan_sweep(RegressionConfig(n_samples=10), {"batch_size": [20]})


def test_every_list_field_has_an_example_that_parses() -> None:
    assert list(LIST_EXAMPLES) == [spec.name for spec in SWEEP_FORM if spec.sweep == "list"]
    for field, example in LIST_EXAMPLES.items():
        assert len(parse_form_list(field, example)) == len(example.split(","))


def test_fields_not_swept_by_list_are_refused_by_name() -> None:
    with pytest.raises(ConfigError, match="is not a field swept by comma list") as caught:
        parse_form_list("optimizer", "adam,sgd")
    assert caught.value.field == "optimizer"
    with pytest.raises(ConfigError) as caught:
        parse_form_list("learning_rate", " , ")
    assert caught.value.field == "learning_rate" and "0.001,0.01,0.1" in caught.value.allowed


def test_plan_sweep_applies_the_size_limits() -> None:
    configs = plan_sweep(RegressionConfig(n_samples=20), {"learning_rate": [0.1, 0.2], "seeds": [0, 1, 2]})
    assert [(c.learning_rate, c.seed) for c in configs] == [(0.1, 0), (0.1, 1), (0.1, 2), (0.2, 0), (0.2, 1), (0.2, 2)]
    with pytest.raises(ConfigError, match="longest run's steps"):
        plan_sweep(RegressionConfig(n_samples=1000), {"epochs": [10_000], "seeds": list(range(6))})
