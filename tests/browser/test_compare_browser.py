"""The Compare Runs page in Chromium: tick two runs in the table and see both in the overlay, with a clean console."""

from __future__ import annotations

import re
from pathlib import Path

from store_fixtures import app_store, save_ramp_run  # noqa: F401 (app_store is a fixture)

ROW_HEIGHT = 35  # px, the data grid's header and rows
CHIPS = ".st-key-compare_picker .react-aria-ComboBox [data-tag]"
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


CLIPPED = """selector => [...document.querySelectorAll(selector)]
  .filter(element => element.offsetParent !== null && element.innerText.trim())
  .map(element => {
    const box = element.getBoundingClientRect();
    const parts = [...element.querySelectorAll('*')]
      .filter(part => part.innerText && part.innerText.trim() && part.getBoundingClientRect().width > 0);
    const clipped = parts.some(part => {
      const inner = part.getBoundingClientRect();
      const overflows = part.clientWidth > 0 && part.scrollWidth > part.clientWidth + 1;
      return overflows || inner.left < box.left - 1 || inner.right > box.right + 1;
    });
    return {text: element.innerText.trim(), clipped};
  })"""
BUTTONS = '[data-testid="stMain"] button'
SWITCHES = ".st-key-compare_log_loss label, .st-key-compare_ignore_outliers label"


def clipped_labels(page, selector: str) -> dict[str, bool]:
    """Every visible element matching selector, by its text: True where some of that text is cut off."""
    return {item["text"]: item["clipped"] for item in page.evaluate(CLIPPED, selector)}


def test_buttons_and_switches_show_their_whole_labels_at_1280_by_720(
    browser,
    app_url: str,
    app_store: Path,  # noqa: F811
) -> None:
    for name, ramp in (("clip-a", 50), ("clip-b", 100), ("clip-c", 150)):
        save_ramp_run(app_store, name, ramp)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(app_url)
        page.get_by_role("link", name=re.compile("Compare Runs")).first.click()
        page.get_by_label("Filter runs").fill("clip-")
        page.get_by_label("Filter runs").press("Enter")
        page.get_by_text(re.compile(r"^3 of \d+ runs")).wait_for()
        for row in (1, 2, 3):
            tick_row(page, row)
            page.wait_for_function(f'() => document.querySelectorAll("{CHIPS}").length === {row}')
        page.get_by_role("button", name="Delete 3 picked runs…").wait_for()
        page.wait_for_selector(".st-key-compare_overlay_w .tapestream-chart.js-plotly-plot")
        labels = clipped_labels(page, BUTTONS)
        for label in ("Rename", "Save tags", "Open in Live Regression", "Delete 3 picked runs…"):
            assert labels.get(label) is False, (label, labels)
        switches = clipped_labels(page, SWITCHES)
        assert switches == {"Log-scale loss": False, "Ignore outliers": False}, switches
        page.get_by_role("tab", name="Download & TensorBoard").click()
        page.get_by_role("button", name="Export 3 runs to TensorBoard").wait_for()
        labels = clipped_labels(page, BUTTONS)
        for label in ("Download CSV", "Download JSON", "Export 3 runs to TensorBoard"):
            assert labels.get(label) is False, (label, labels)
    finally:
        context.close()
