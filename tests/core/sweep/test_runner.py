"""core.sweep.runner: a vectorised sweep reproduces one-at-a-time compiled Trainer runs and checks its limits first."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from sweep_helpers import OVER_THE_LIMITS, SMALL

from core.regression.config import ConfigError, RegressionConfig
from core.regression.fields import OPTIMIZERS
from core.regression.trainer import Trainer
from core.sweep.grid import SweepRun, grid
from core.sweep.runner import Sweep, run_sweep

LOSS_FOR = dict(zip(OPTIMIZERS, itertools.cycle(("mse", "huber", "mae"))))


def mixed_configs() -> list[RegressionConfig]:
    """Every optimizer and loss, two rates, batch sizes 1 and 7, shuffle on and off, and odd ones out."""
    configs = []
    for optimizer, loss in LOSS_FOR.items():
        base = SMALL.replace(optimizer=optimizer, loss=loss)
        configs += grid(base, learning_rate=[0.01, 0.1], batch_size=[1, 7], shuffle=[False, True])
    return configs + [
        SMALL.replace(learning_rate=4.0),  # diverges within a few steps
        SMALL.replace(learning_rate=3.0, optimizer="nesterov", batch_size=7, loss="mse", seed=5),
        SMALL.replace(n_samples=25, epochs=3, seed=3, noise_std=0.5, optimizer="adam", loss="mae", learning_rate=0.1),
        SMALL.replace(n_samples=61, epochs=1, seed=9, batch_size=7, w_init=2.0, b_init=-1.0, shuffle=True),
        SMALL.replace(w_target=-2.0, b_target=0.5, optimizer="rmsprop", loss="huber", learning_rate=0.05, seed=2),
        SMALL.replace(batch_size=40, optimizer="nesterov", loss="mae", epochs=4),
    ]


def assert_matches_trainer(config: RegressionConfig, run: SweepRun) -> float:
    """Same status, message, steps and epochs as a compiled Trainer run; returns the largest |Δw|, |Δb|."""
    trainer = Trainer(config, backend="compiled")
    expected = trainer.run()
    assert (run.status, run.message) == (trainer.status, trainer.message), config
    assert list(run.trace.columns) == list(expected.columns)
    assert (run.trace.dtypes == expected.dtypes).all()
    assert run.trace["step"].tolist() == expected["step"].tolist(), config
    assert run.trace["epoch"].tolist() == expected["epoch"].tolist(), config
    assert np.allclose(run.trace["loss"], expected["loss"], rtol=1e-6, atol=1e-7), config
    return float(np.abs(run.trace[["w", "b"]].to_numpy(np.float64) - expected[["w", "b"]].to_numpy(np.float64)).max())


def test_mixed_sweep_matches_one_at_a_time_trainer_runs() -> None:
    configs = mixed_configs()
    runs = run_sweep(configs)
    assert [run.config for run in runs] == configs
    worst = max(assert_matches_trainer(config, run) for config, run in zip(configs, runs))
    assert worst <= 1e-6  # measured: 3e-8, and 49 of these 54 runs identical bit for bit
    statuses = {run.status for run in runs}
    assert statuses == {"done", "diverged"}
    diverged = runs[len(configs) - 6]
    assert diverged.status == "diverged" and diverged.message.startswith("Diverged at step ")
    assert np.isfinite(diverged.trace[["w", "b", "loss"]].to_numpy()).all()


def test_small_chunks_give_the_same_runs_as_one_chunk() -> None:
    configs = [
        SMALL.replace(epochs=3),
        SMALL.replace(learning_rate=4.0),
        SMALL.replace(optimizer="adam", batch_size=7, shuffle=True, n_samples=30),
        SMALL.replace(optimizer="momentum", epochs=1, learning_rate=0.05),
    ]
    whole = Sweep(configs).run()
    chunked = Sweep(configs, chunk_cells=64).run()  # chunks of a few steps: runs end and diverge in different chunks
    for one, other in zip(whole, chunked):
        assert (one.status, one.message) == (other.status, other.message)
        pd.testing.assert_frame_equal(one.trace, other.trace)
    assert_matches_trainer(configs[2], chunked[2])


def test_sweep_run_final_and_steps_to_converge() -> None:
    (run,) = run_sweep([RegressionConfig(n_samples=200, epochs=1, learning_rate=0.1)])
    assert run.final["step"] == 200 and isinstance(run.final["step"], int)
    assert abs(run.final["w"] - 5.0) < 0.01
    step = run.steps_to_converge
    assert step is not None and 0 < step <= 200
    close = (run.trace["w"].sub(5.0).abs() < 0.01) & (run.trace["b"].sub(3.0).abs() < 0.01)
    assert close[run.trace["step"] >= step].all() and not close[run.trace["step"] == step - 1].any()


@pytest.mark.parametrize("configs, words", OVER_THE_LIMITS)
def test_run_sweep_checks_the_limits_before_running(configs: list, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        run_sweep(configs)


def test_one_trace_serves_every_sweep_of_the_same_kinds() -> None:
    from core.sweep.chunk import sweep_chunk

    run_sweep([SMALL.replace(optimizer="rmsprop", loss="huber")])
    chunk = sweep_chunk((("rmsprop", "huber"),))
    traced = chunk.experimental_get_tracing_count()
    run_sweep(grid(SMALL, optimizer=["rmsprop"], loss=["huber"], n_samples=[30, 50], batch_size=[1, 3], seeds=[0, 1]))
    assert chunk.experimental_get_tracing_count() == traced == 1
