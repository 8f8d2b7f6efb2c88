"""The Live page's number boxes in Chromium: a value out of range, an emptied box or text is refused out loud."""

from __future__ import annotations

import re

SAMPLES = "[data-testid='stSidebar'] .st-key-cfg_n_samples input"
WARNINGS = "() => Array.from(document.querySelectorAll('[data-testid=stAlert]')).map(a => a.innerText).join(' | ')"


def open_live_page(page, app_url: str) -> None:
    page.goto(app_url)
    page.get_by_role("link", name=re.compile("Live Regression")).first.click()
    page.wait_for_selector(SAMPLES)


def type_samples(page, text: str) -> None:
    """Type into the Samples box key by key, as a user would (the browser drops what a number box can't hold)."""
    box = page.locator(SAMPLES)
    box.scroll_into_view_if_needed()
    box.fill("")
    box.press_sequentially(text)
    box.press("Enter")


def test_out_of_range_and_empty_samples_show_a_warning_and_the_old_value(page, app_url: str) -> None:
    open_live_page(page, app_url)
    sidebar = page.locator("[data-testid='stSidebar']")
    assert "Allowed: 1 – 10,000,000" in sidebar.inner_text()
    type_samples(page, "20000000")
    page.wait_for_function(f"() => ({WARNINGS})().includes('Samples = 20000000 is not allowed')")
    page.wait_for_function(f"() => document.querySelector(\"{SAMPLES}\").value === '1000'")
    assert "[1, 10,000,000]" in page.evaluate(WARNINGS)
    for good, bad in (("2000", ""), ("3000", "abc"), ("4000", "½"), ("5000", "🙂")):  # what a box can't hold: empty
        type_samples(page, good)
        page.wait_for_function(f"() => !({WARNINGS})().includes('Samples')")
        type_samples(page, bad)
        page.wait_for_function(f"() => ({WARNINGS})().includes('Samples needs a number')")
        page.wait_for_function(f"() => document.querySelector(\"{SAMPLES}\").value === '{good}'")
