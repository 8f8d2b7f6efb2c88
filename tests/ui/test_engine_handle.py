"""ui.engine_handle: a bad engine setting stops the page with one clear message, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.engine_handle import _shared_client

LIVE_PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "2_Live_Regression.py")


@pytest.mark.parametrize("variable", ["TAPESTREAM_ENGINE_POOL", "TAPESTREAM_TASK_POOL"])
def test_a_bad_pool_setting_is_one_clear_error(variable: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TAPESTREAM_DB", str(tmp_path / "runs.sqlite3"))
    monkeypatch.setenv(variable, "lots")
    _shared_client.clear()  # the server-wide client is built again, from the bad setting
    try:
        page = AppTest.from_file(LIVE_PAGE, default_timeout=60).run()
        assert not page.exception
        (error,) = page.error
        assert "The engine cannot start" in error.value and variable in error.value and "lots" in error.value
    finally:
        _shared_client.clear()
