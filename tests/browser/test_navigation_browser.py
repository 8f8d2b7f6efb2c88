"""The navigation in Chromium: a fresh server's first visit straight to a page's URL still reads Home, not dashboard."""

from __future__ import annotations

NAMES = ["Home", "GradientTape Explorer", "Live Regression", "Compare Runs"]


def test_a_first_visit_to_a_page_url_gets_the_navigations_names(page, fresh_server_url: str) -> None:
    page.goto(f"{fresh_server_url}/Live_Regression")
    page.wait_for_selector(".st-key-trace_chart .js-plotly-plot", timeout=90_000)
    names = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    assert [name.strip() for name in names] == NAMES


CLOCK = "() => { const c = window.__tapestream.clock; return {answered: c.answered, waiting: c.timer !== null}; }"


def test_leaving_a_playing_live_page_stops_its_clock_and_coming_back_starts_it(page, fresh_server_url: str) -> None:
    page.goto(f"{fresh_server_url}/Live_Regression?epochs=100")
    page.wait_for_selector(".st-key-trace_chart .js-plotly-plot", timeout=90_000)
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function("() => window.__tapestream.clock.answered > 3", timeout=60_000)  # ticking
    page.locator("[data-testid='stSidebarNav'] a", has_text="Compare Runs").click()
    page.wait_for_selector("text=Pick runs to compare", timeout=60_000)
    page.wait_for_timeout(1500)  # a tick in flight when the page changed lands
    left = page.evaluate(CLOCK)
    page.wait_for_timeout(2000)
    assert page.evaluate(CLOCK)["answered"] == left["answered"], "the clock kept fetching ticks for a page not shown"
    page.locator("[data-testid='stSidebarNav'] a", has_text="Live Regression").click()
    page.wait_for_function(f"() => window.__tapestream.clock.answered > {left['answered'] + 3}", timeout=60_000)
