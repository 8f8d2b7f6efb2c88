"""core.engine.client's live pool size: half the machine's CPUs by default, TAPESTREAM_ENGINE_POOL within [1, CPUs]."""

from __future__ import annotations

import os

import pytest

from core.engine.client import default_pool_size, pool_size_from_env
from core.regression.config import ConfigError


def test_the_default_is_half_the_cpus_and_at_least_one() -> None:
    assert [default_pool_size(cpus) for cpus in (1, 2, 3, 8, 16)] == [1, 1, 1, 4, 8]


def test_the_setting_is_read_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAPESTREAM_ENGINE_POOL", raising=False)
    assert pool_size_from_env() == default_pool_size()
    monkeypatch.setenv("TAPESTREAM_ENGINE_POOL", "1")
    assert pool_size_from_env() == 1
    for bad in ("0", "lots", str((os.cpu_count() or 1) + 1)):
        monkeypatch.setenv("TAPESTREAM_ENGINE_POOL", bad)
        with pytest.raises(ConfigError, match="TAPESTREAM_ENGINE_POOL"):
            pool_size_from_env()
