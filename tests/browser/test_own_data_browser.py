"""Your own data in Chromium: upload a CSV, Play, and the fitted line approaches the least-squares line."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from core.regression.data import least_squares
from tests.browser.test_live_regression_browser import open_live_page

METRICS = "() => document.querySelector('.st-key-live_metrics').innerText"


def shown(page, label: str) -> float:
    """A metric's value from the metrics row (its label, then its value, each on a line)."""
    lines = [line.strip() for line in page.evaluate(METRICS).splitlines() if line.strip()]
    return float(lines[lines.index(label) + 1].replace(",", ""))


def test_upload_a_csv_play_and_the_fit_approaches_the_least_squares_line(page, app_url: str, tmp_path: Path) -> None:
    rng = np.random.default_rng(8)
    x = rng.uniform(-2, 2, 200)
    y = -1.5 * x + 4 + rng.normal(0, 0.3, 200)
    path = tmp_path / "plants.csv"
    path.write_text("light,growth\n" + "".join(f"{a:.6f},{b:.6f}\n" for a, b in zip(x, y)))
    w_ls, b_ls = least_squares(np.float32(x), np.float32(y))

    open_live_page(page, app_url)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.locator(".st-key-cfg_data_source").get_by_role("combobox").click()
    page.get_by_role("option", name="Your data (CSV)").click()
    sidebar.locator(".st-key-own_data_file input[type='file']").set_input_files(str(path))
    sidebar.get_by_text("Training on 200 rows of plants.csv: x = light, y = growth.").wait_for()
    # No true line: deltas against the least-squares fit. The sidebar's message comes earlier in the same page run
    # than the metrics, so wait for them (CI once read them a moment before that run had redrawn them).
    page.wait_for_function(f"() => ({METRICS})().includes('LS w')")
    assert "LS w" in page.evaluate(METRICS)
    start = abs(shown(page, "Weight") - w_ls) + abs(shown(page, "Bias") - b_ls)

    page.get_by_role("button", name="Play", exact=True).click()
    middle = None
    for _ in range(200):  # while it plays, the fit moves toward the least-squares line
        page.wait_for_timeout(100)
        if shown(page, "Step") > 0:
            middle = abs(shown(page, "Weight") - w_ls) + abs(shown(page, "Bias") - b_ls)
            break
    page.wait_for_function("() => /Status:\\s*done/.test(document.body.innerText)", timeout=90_000)
    end = abs(shown(page, "Weight") - w_ls) + abs(shown(page, "Bias") - b_ls)
    assert middle is not None and start > 5 and middle < start and end < min(middle, 0.1) + 0.02, (start, middle, end)
    assert shown(page, "R²") > 0.9
    assert re.search(r"converged at step [\d,]+", page.evaluate(METRICS))
    bad = [error for error in page.console_errors if "favicon" not in error]
    assert bad == []


def test_a_binary_upload_says_so_and_nothing_breaks(page, app_url: str, tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    open_live_page(page, app_url)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.locator(".st-key-cfg_data_source").get_by_role("combobox").click()
    page.get_by_role("option", name="Your data (CSV)").click()
    sidebar.locator(".st-key-own_data_file input[type='file']").set_input_files(str(path))
    sidebar.get_by_text("photo.csv: This is a binary file (a PNG image), not CSV text.").wait_for()
    page.get_by_role("button", name="Step epoch", exact=True).click()
    page.wait_for_function(f"() => ({METRICS})().includes('1,000')")
