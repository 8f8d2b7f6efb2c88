"""Fixtures for page tests: each AppTest gets a scratch run store."""

from __future__ import annotations

from pathlib import Path

import pytest
from page_helpers import LIVE_PAGE
from streamlit.testing.v1 import AppTest


@pytest.fixture(autouse=True)
def scratch_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "runs.sqlite3"
    monkeypatch.setenv("TAPESTREAM_DB", str(path))
    return path


@pytest.fixture
def live_page() -> AppTest:
    return AppTest.from_file(LIVE_PAGE, default_timeout=180)
