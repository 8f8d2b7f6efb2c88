"""core.sweep.grid: grid() as a cartesian product over the base config, its checks, the size limits and SweepRun."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pandas as pd
import pytest
from sweep_helpers import OVER_THE_LIMITS, SMALL

from core.regression.config import ConfigError, RegressionConfig
from core.sweep.grid import MAX_RUNS, SweepRun, check_sweep, grid


def test_grid_is_the_cartesian_product_first_field_slowest() -> None:
    configs = grid(SMALL, learning_rate=[0.1, 0.01], seeds=[0, 1, 2])
    expected = list(itertools.product([0.1, 0.01], [0, 1, 2]))
    assert [(c.learning_rate, c.seed) for c in configs] == expected
    assert all(c.n_samples == 40 for c in configs)
    assert grid(SMALL) == [SMALL]
    assert grid(SMALL, optimizer="adam") == [SMALL.replace(optimizer="adam")]


def test_grid_full_batch_follows_each_n_samples() -> None:
    configs = grid(SMALL, n_samples=[10, 20], batch_size=[1, "full"])
    assert [(c.n_samples, c.batch_size) for c in configs] == [(10, 1), (10, 10), (20, 1), (20, 20)]


@pytest.mark.parametrize(
    "values, field",
    [
        ({"bogus": [1]}, "bogus"),
        ({"seed": [1], "seeds": [2]}, "seeds"),
        ({"learning_rate": []}, "learning_rate"),
        ({"learning_rate": [0.1, -1.0]}, "learning_rate"),
        ({"seeds": list(range(MAX_RUNS + 1))}, "runs"),
    ],
)
def test_grid_rejects_bad_values(values: dict, field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        grid(SMALL, **values)
    assert caught.value.field == field


@pytest.mark.parametrize("configs, words", OVER_THE_LIMITS)
def test_check_sweep_limits(configs: list, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        check_sweep(configs)


def test_a_sweep_at_the_limits_passes() -> None:
    check_sweep([SMALL] * MAX_RUNS)
    check_sweep((RegressionConfig(n_samples=1_000_000, batch_size=1_000_000),) * 16)


def test_sweep_run_final_and_steps_to_converge_read_its_trace() -> None:
    trace = pd.DataFrame({"step": [0, 1, 2], "epoch": [0, 0, 1], "w": [0.0, 5.0, 5.0], "b": [0.0, 3.0, 3.001]})
    run = SweepRun(RegressionConfig(), "done", "", trace)
    assert run.final == {"step": 2, "epoch": 1, "w": 5.0, "b": 3.001}
    assert isinstance(run.final["step"], int) and run.steps_to_converge == 1
    assert SweepRun(RegressionConfig(w_target=2.0), "done", "", trace).steps_to_converge is None


def test_the_grid_module_does_not_import_tensorflow() -> None:
    code = "import sys, core.sweep.grid, core.sweep.form_values; print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "False"
