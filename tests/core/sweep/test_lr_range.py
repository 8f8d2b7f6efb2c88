"""core.sweep.lr_range: 64 learning rates in one compiled call, each as a one-at-a-time Trainer would train it."""

from __future__ import annotations

import numpy as np
import pytest

from core.regression.config import RegressionConfig
from core.regression.data import make_data, mean_loss
from core.regression.dataset import Dataset
from core.regression.trainer import Trainer
from core.sweep.lr_range import range_test


@pytest.fixture(scope="module")
def tutorial() -> tuple:
    return range_test(RegressionConfig())


def test_the_suggestion_lies_below_two_over_lambda_max_and_trains_to_convergence(tutorial: tuple) -> None:
    result, facts = tutorial
    assert facts["compiled_calls"] == 1 and facts["steps"] == 1000
    assert result.suggested is not None and result.suggested < facts["theory_max_stable"]
    assert result.suggested <= result.max_stable < result.edge
    trainer = Trainer(RegressionConfig(learning_rate=result.suggested))
    trainer.run()
    assert trainer.status == "done" and trainer.converged_step is not None


def test_each_rate_matches_a_trainer_run_alone(tutorial: tuple) -> None:
    result, _ = tutorial
    x, y = make_data(RegressionConfig())
    for index in (10, 30, 45):
        rate = result.learning_rates[index]
        trainer = Trainer(RegressionConfig(learning_rate=rate))
        trainer.step(1000)
        alone = mean_loss(x, y, trainer.w, trainer.b, "mse")
        assert result.losses[index] == pytest.approx(alone, rel=1e-3, abs=1e-9)
    assert result.losses[-1] is None  # 10 diverges per sample


@pytest.mark.parametrize("loss", ["mse", "huber"])
def test_uploaded_data_full_batch(loss: str) -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 10, 300)
    data = Dataset.of(x, 0.3 * x + 2 + rng.normal(0, 0.5, 300))
    config = RegressionConfig(data_source="csv", data_hash=data.hash, n_samples=300, batch_size=300, loss=loss)
    result, facts = range_test(config, {data.hash: data})
    assert result.suggested is not None
    if loss == "mse":  # full-batch gradient descent on a quadratic: stable below 2/λ_max exactly
        assert result.suggested < facts["theory_max_stable"] < result.edge
    trainer = Trainer(config.replace(learning_rate=result.suggested, epochs=3000), datasets={data.hash: data})
    trainer.run()
    assert trainer.status == "done" and trainer.converged_step is not None
