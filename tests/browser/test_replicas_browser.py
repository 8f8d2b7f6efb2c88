"""Two `streamlit run dashboard.py` replicas sharing one PostgreSQL run store, driven in Chromium.

A run saved through one replica's Live page shows up on the other's Compare page without a restart; a sweep
started on one is listed on the other; a replica whose URL has a wrong password says so on its Compare page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import dashboard_server

from core.store.run_store import RunStore
from tests.pg_server import PgServer

RUN_NAME = "replica-live-run"


@pytest.fixture
def replicas(pg_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two dashboards on two ports, both with TAPESTREAM_DB set to one PostgreSQL database."""
    with (
        dashboard_server(pg_url, tmp_path / "replica-a.log") as first,
        dashboard_server(pg_url, tmp_path / "replica-b.log") as second,
    ):
        yield first, second


def new_tab(browser):  # noqa: ANN001, ANN201 (Playwright's objects)
    tab = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    tab.set_default_timeout(90_000)
    return tab


def open_compare(tab, url: str, wait: bool = True) -> None:  # noqa: ANN001
    tab.goto(url)
    tab.get_by_role("link", name=re.compile("Compare Runs")).first.click()
    if wait:
        tab.get_by_role("heading", name="Sweeps").wait_for()


def filter_shows(tab, text: str, count: str) -> None:  # noqa: ANN001
    """Filter the Compare table by text and wait for the caption that counts what it shows (e.g. "1 of 1")."""
    box = tab.get_by_label("Filter runs")
    box.fill(text)
    box.press("Enter")
    tab.get_by_text(re.compile(rf"^{count} runs\.")).wait_for()


def test_a_run_saved_on_one_replica_and_a_sweep_started_on_it_appear_on_the_other(
    browser, replicas: tuple[str, str], pg_url: str, tmp_path: Path
) -> None:
    first, second = replicas
    watcher = new_tab(browser)  # the second replica's Compare page, open before anything is saved
    open_compare(watcher, second)
    watcher.get_by_text("No sweeps saved yet").wait_for()

    live = new_tab(browser)
    live.goto(first)
    live.get_by_role("link", name=re.compile("Live Regression")).first.click()
    live.wait_for_selector(".st-key-trace_chart .js-plotly-plot")
    live.get_by_role("button", name="Step epoch").click()
    live.wait_for_function("() => document.body.innerText.includes('1,000 / 2,000 steps')")
    live.get_by_label("Run name").fill(RUN_NAME)
    live.get_by_label("Run name").press("Enter")
    live.get_by_role("button", name="Save run").click()
    live.get_by_text(re.compile(r"Saved as run #\d+")).wait_for()
    with RunStore(pg_url) as store:
        [saved] = store.list_runs(text=RUN_NAME)
    assert saved["steps"] == 1000

    watcher.get_by_role("link", name=re.compile("Compare Runs")).first.click()  # a rerun, not a restart
    filter_shows(watcher, RUN_NAME, "1 of 1")

    sweeper = new_tab(browser)
    open_compare(sweeper, first)
    sweeper.get_by_label("Learning rates").fill("0.01,0.1")
    sweeper.get_by_label("Name prefix").fill("replica")
    sweeper.get_by_role("button", name="Start sweep").click()
    notice = sweeper.get_by_text(re.compile(r"Sweep sweep-[0-9a-f-]+: 2 runs trained"))  # the id shows as code
    notice.wait_for(timeout=240_000)
    sweep_id = re.search(r"sweep-[0-9a-f-]+", notice.inner_text()).group(0)

    watcher.reload()
    watcher.get_by_role("heading", name="Sweeps").wait_for()
    picked_sweep = (  # the Sweep box shows its pick as text or as its input's value, by Streamlit version
        "label => [...document.querySelectorAll('.st-key-compare_sweep *')]"
        ".some(element => (element.value || element.textContent || '').includes(label))"
    )
    watcher.wait_for_function(picked_sweep, arg=f"{sweep_id} (2 runs)")
    filter_shows(watcher, "replica lr=", "2 of 3")
    watcher.screenshot(path=str(tmp_path / "second-replica-compare.png"), full_page=True)
    for tab in (watcher, live, sweeper):
        tab.context.close()


def test_a_replica_with_a_wrong_password_says_so_without_a_traceback(
    browser, pg_server: PgServer, pg_url: str, tmp_path: Path
) -> None:
    bad = pg_server.url(pg_url.rpartition("/")[2], password="not-the-password")
    with dashboard_server(bad, tmp_path / "bad.log") as url:
        tab = new_tab(browser)
        open_compare(tab, url, wait=False)
        error = tab.get_by_text(re.compile("Cannot read the run store: cannot log in to the PostgreSQL run store"))
        error.wait_for()
        text = tab.locator("body").inner_text()
        assert "tapestream:***@127.0.0.1" in text and "not-the-password" not in text
        assert "Traceback" not in text
        tab.screenshot(path=str(tmp_path / "wrong-password-compare.png"))
        tab.context.close()
