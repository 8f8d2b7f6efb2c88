"""A user's data set travels to the engine once, keyed by its content hash: never per tick, again after a restart."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from core.engine.client import EngineClient
from core.regression.config import ConfigError, RegressionConfig
from core.regression.data import least_squares
from core.regression.dataset import Dataset


def counted_methods(engine: EngineClient) -> list[str]:
    """Every method the client sends to its live engine, in order (the real requests still go through)."""
    sent: list[str] = []
    worker = engine.workers[0]
    real = worker.request

    def spy(method, kwargs, *args, **options):
        sent.append(method)
        return real(method, kwargs, *args, **options)

    worker.request = spy
    return sent


def uploaded_config(data: Dataset, **changes) -> RegressionConfig:
    return RegressionConfig(data_source="csv", data_hash=data.hash, n_samples=len(data), **changes)


def test_data_goes_once_and_the_run_fits_it() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(-3, 3, 400)
    data = Dataset.of(x, 0.5 * x**2 - x + 2, "age", "score")
    engine = EngineClient(pool_size=1)
    try:
        sent = counted_methods(engine)
        assert engine.put_data(data) == data.hash and sent == []  # nothing travels before a run needs it
        handle = engine.open(uploaded_config(data, epochs=5, learning_rate=0.02))
        for _ in range(5):
            view = engine.tick(handle, 200, 1.0)
        second = engine.open(uploaded_config(data, epochs=1))
        engine.update(second, learning_rate=0.05)
        assert sent.count("put_data") == 1 and sent[0] == "put_data"
        w_ls, b_ls = least_squares(data.x, data.y)
        assert not view["true_line"]
        assert (view["config"]["w_target"], view["config"]["b_target"]) == pytest.approx((w_ls, b_ls))
        assert view["optimum"] == pytest.approx((w_ls, b_ls))
        assert set(view["fit"]) == {"r2", "rmse", "mae"} and 0 < view["fit"]["r2"] <= 1
    finally:
        engine.shutdown()


def test_a_restarted_engine_gets_the_data_again_for_the_rebuilt_run() -> None:
    data = Dataset.of(np.arange(50.0), 2 * np.arange(50.0) + 1)
    engine = EngineClient(pool_size=1)
    try:
        engine.put_data(data)
        handle = engine.open(uploaded_config(data, learning_rate=1e-4))
        engine.step(handle, 30)
        before = engine.state(handle)
        os.kill(engine.engine_pids()[0], signal.SIGKILL)
        time.sleep(0.5)
        sent = counted_methods(engine)
        rebuilt = engine.rebuild(handle)
        after = engine.state(rebuilt)
        assert sent.count("put_data") == 1
        assert after["steps_done"] == 30 and after["w"] == pytest.approx(before["w"], abs=1e-6)
    finally:
        engine.shutdown()


def test_an_unknown_data_set_is_a_config_error() -> None:
    engine = EngineClient(pool_size=1)
    try:
        with pytest.raises(ConfigError, match="never uploaded here"):
            engine.open(RegressionConfig(data_source="csv", data_hash="0123456789abcdef", n_samples=3))
    finally:
        engine.shutdown()
