"""The navigation in Chromium: a fresh server's first visit straight to a page's URL still reads Home, not dashboard."""

from __future__ import annotations

NAMES = ["Home", "GradientTape Explorer", "Live Regression", "Compare Runs"]


def test_a_first_visit_to_a_page_url_gets_the_navigations_names(page, fresh_server_url: str) -> None:
    page.goto(f"{fresh_server_url}/Live_Regression")
    page.wait_for_selector(".st-key-trace_chart .js-plotly-plot", timeout=90_000)
    names = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    assert [name.strip() for name in names] == NAMES
