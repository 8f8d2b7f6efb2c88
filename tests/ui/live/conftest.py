"""Fixtures of the live page's tests: one real engine per module, and a scratch run store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.engine.client import EngineClient


@pytest.fixture(scope="module")
def client() -> Iterator[EngineClient]:
    engine = EngineClient()
    yield engine
    engine.shutdown()


@pytest.fixture
def scratch_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "runs.sqlite3"
    monkeypatch.setenv("TAPESTREAM_DB", str(path))
    return path
