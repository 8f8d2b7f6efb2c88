"""Reloading the Live page in Chromium: the old run was saved, and the fresh page says so with a link to it."""

from __future__ import annotations

import re
from pathlib import Path

from core.store.run_store import RunStore


def test_a_reload_says_where_the_previous_run_went(page, app_url: str, app_db: Path) -> None:
    page.goto(app_url)
    page.get_by_role("link", name=re.compile("Live Regression")).first.click()
    page.wait_for_selector(".st-key-trace_chart .js-plotly-plot")
    page.get_by_role("button", name="Step epoch").click()
    page.wait_for_function("() => document.body.innerText.includes('1,000 / 2,000 steps')", timeout=60_000)
    before = {run["id"] for run in RunStore(app_db).list_runs()}
    page.reload()
    page.wait_for_selector(".st-key-trace_chart .js-plotly-plot")
    notice = page.get_by_text(re.compile(r"before it was reloaded \(1,000 steps\) was saved as run #\d+"))
    notice.wait_for(timeout=30_000)
    run_id = int(re.search(r"run #(\d+)", notice.inner_text()).group(1))
    saved = RunStore(app_db).get_run(run_id)
    assert run_id not in before and saved["steps"] == 1000 and saved["status"] == "paused"
    link = page.get_by_role("link", name=f"Open run #{run_id} in Compare Runs")
    assert f"run={run_id}" in link.get_attribute("href")
