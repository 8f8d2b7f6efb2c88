"""Real-browser fixtures: start `streamlit run dashboard.py` on a free loopback port and drive Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# How many runs the Compare overlay keyed `key` has drawn (its layout.meta.runs, as Plotly.react took it); -1 before.
OVERLAY_RUNS_DRAWN = """key => { const gd = document.querySelector(`.st-key-${key} .tapestream-chart.js-plotly-plot`);
  if (!gd || !gd._fullLayout || !gd._fullLayout.meta) return -1; const runs = gd._fullLayout.meta.runs;
  return typeof runs === 'number' ? runs : -1; }"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not become healthy at {url}")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail(
                "Debian's chromium is required in CI (apt-get install chromium); browser tests never skip there"
            )
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


@pytest.fixture(scope="session")
def app_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run store of the served dashboard."""
    return tmp_path_factory.mktemp("store") / "runs.sqlite3"


@contextmanager
def dashboard_server(db: Path, log_path: Path) -> Iterator[str]:
    """`streamlit run dashboard.py` headless on a free loopback port with its own run store; yields its URL."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "TAPESTREAM_DB": str(db)}
        )
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


@pytest.fixture(scope="session")
def app_url(app_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A dashboard served headless on a free loopback port, with its own run store, shared by the session's tests."""
    with dashboard_server(app_db, tmp_path_factory.mktemp("logs") / "streamlit.log") as url:
        yield url


@pytest.fixture
def fresh_server_url(tmp_path: Path) -> Iterator[str]:
    """A dashboard of its own that nobody has visited yet: its engine process has not started."""
    with dashboard_server(tmp_path / "runs.sqlite3", tmp_path / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, app_url: str) -> Iterator:
    """A fresh tab whose console errors and page errors are collected in page.console_errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda message: message.type == "error" and tab.console_errors.append(message.text))
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    tab.set_default_timeout(60_000)
    yield tab
    context.close()
