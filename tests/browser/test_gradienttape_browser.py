"""The GradientTape Explorer in Chromium: the spinner while a fresh engine starts, and editing the playground."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, free_port, wait_until_healthy

from ui.explorer.engine_wait import WAIT_TEXT

CODE_HAS = """text => Array.from(document.querySelectorAll('[data-testid="stCode"]'))
  .some(block => block.textContent.includes(text))"""


def test_editing_the_playground_program_shows_the_new_gradient(page, app_url: str) -> None:
    page.goto(app_url)
    page.get_by_role("link", name=re.compile("GradientTape")).first.click()
    page.get_by_role("tab", name=re.compile("Playground")).click()
    page.wait_for_function(CODE_HAS, arg="dt4/dt1: [10. 20. 30.]")

    program = page.locator(".st-key-playground_program textarea")
    program.fill("t3 = t1 * t1 * t2")
    program.press("Control+Enter")
    page.get_by_role("button", name="Run program").click()

    page.wait_for_function(CODE_HAS, arg="dt3/dt1: [ 20.  80. 180.]")
    page.wait_for_function(CODE_HAS, arg="dt3/dt2: [1. 4. 9.]")
    page.locator(".stGraphVizChart svg").first.wait_for()
    assert page.locator(".stGraphVizChart svg text", has_text="dt3/dt1 = [ 20. 80. 180.]").count() == 1
    assert page.console_errors == []


@pytest.fixture
def fresh_server_url(tmp_path: Path) -> Iterator[str]:
    """A dashboard of its own, so its engine process has certainly not started yet."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    environment = {**os.environ, "TAPESTREAM_DB": str(tmp_path / "runs.sqlite3")}
    with open(tmp_path / "streamlit.log", "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=environment)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_spinner_with_text_shows_while_the_first_engine_call_runs(page, fresh_server_url: str) -> None:
    page.goto(fresh_server_url)
    page.get_by_role("link", name=re.compile("GradientTape")).first.click()
    spinner = page.locator('[data-testid="stSpinner"]', has_text=WAIT_TEXT).first
    spinner.wait_for(state="visible")
    page.wait_for_function(CODE_HAS, arg="dt3/dt1: [10. 20. 30.]")
    page.locator('[data-testid="stSpinner"]').first.wait_for(state="detached")
    assert page.console_errors == []
