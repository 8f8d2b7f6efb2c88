"""The Compare Runs page in Chromium: tick two runs in the table and see both in the overlay, with a clean console."""

from __future__ import annotations

import re
from pathlib import Path

from store_fixtures import app_store, save_ramp_run  # noqa: F401 (app_store is a fixture)

ROW_HEIGHT = 35  # px, the data grid's header and rows
CHIPS = ".st-key-compare_selected .react-aria-ComboBox [data-tag]"
W_LEGEND = ".st-key-compare_overlay_w .legendtext"


def tick_row(page, row: int) -> None:
    """Click the selection checkbox of the table's row-th row (1 = first)."""
    box = page.locator(".st-key-compare_table [data-testid='stDataFrameResizable']").bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + ROW_HEIGHT * row + ROW_HEIGHT / 2)


def test_two_ticked_runs_are_overlaid(page, app_url: str, app_store: Path) -> None:  # noqa: F811
    save_ramp_run(app_store, "compare-slow", 150, learning_rate=0.01)
    save_ramp_run(app_store, "compare-fast", 50, learning_rate=0.1)
    page.goto(app_url)
    page.get_by_role("link", name=re.compile("Compare Runs")).first.click()
    page.get_by_label("Filter runs").fill("compare-")
    page.get_by_label("Filter runs").press("Enter")
    page.get_by_text(re.compile(r"^2 of \d+ runs")).wait_for()

    tick_row(page, 1)
    page.wait_for_function(f'() => document.querySelectorAll("{CHIPS}").length === 1')
    tick_row(page, 2)
    page.wait_for_function(f'() => document.querySelectorAll("{CHIPS}").length === 2')
    page.wait_for_function(f'() => document.querySelectorAll("{W_LEGEND}").length >= 3')

    legend = page.locator(W_LEGEND).all_text_contents()
    assert {"compare-slow", "compare-fast", "w* = 5"} <= set(legend)
    assert page.console_errors == []
