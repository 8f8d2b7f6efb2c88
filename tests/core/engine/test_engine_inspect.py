"""The engine answers inspect requests for a live run: step k replayed exactly, bad steps as ConfigError."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from core.engine.client import EngineClient
from core.regression.config import ConfigError, RegressionConfig


@pytest.fixture(scope="module")
def client() -> Iterator[EngineClient]:
    engine = EngineClient(timeout=120)
    yield engine
    engine.shutdown()


def test_inspect_through_the_engine_matches_the_runs_trace(client: EngineClient) -> None:
    handle = client.open(RegressionConfig(n_samples=200, optimizer="rmsprop"))
    client.step(handle, 150)
    client.update(handle, learning_rate=0.1)
    client.step(handle, 100)
    trace = pd.read_csv(io.StringIO(client.trace_csv(handle)))
    for k in (1, 150, 151, 250):
        record = client.inspect(handle, k)
        assert np.float32(record["w_before"]) == np.float32(trace["w"][k - 1])
        assert np.float32(record["w_after"]) == np.float32(trace["w"][k])
        assert record["learning_rate"] == (0.01 if k <= 150 else 0.1)
    with pytest.raises(ConfigError, match="from 1 to 250"):
        client.inspect(handle, 251)
