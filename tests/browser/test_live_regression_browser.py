"""The Live Regression page in Chromium: streaming charts, event markers, kept zoom, run to end, clean console."""

from __future__ import annotations

import re
import time

import pytest

from ui.live.tick_route import TICK_PATH as TICK_ROUTE

UPDATES = "sel => { const c = document.querySelector(sel + ' .tapestream-chart'); return c ? +c.dataset.updates : -1; }"
VISIBLE = """sel => {
  const plot = document.querySelector(sel + ' .js-plotly-plot');
  if (!plot) return false;
  const box = plot.getBoundingClientRect();
  return box.width > 100 && box.height > 100 && plot.querySelectorAll('.scatterlayer .trace').length > 0;
}"""
X_RANGE = "sel => { const p = document.querySelector(sel + ' .js-plotly-plot'); return p._fullLayout.xaxis.range; }"
AUTORANGE = "sel => document.querySelector(sel + ' .js-plotly-plot')._fullLayout.xaxis.autorange"
TITLE = "sel => document.querySelector(sel + ' .gtitle').textContent"


def open_live_page(page, app_url: str) -> None:
    page.goto(app_url)
    page.get_by_role("link", name=re.compile("Live Regression")).first.click()
    page.wait_for_selector(".st-key-trace_chart .js-plotly-plot")
    page.wait_for_selector(".st-key-landscape_chart .js-plotly-plot")


def change_learning_rate_with_the_keyboard(page) -> None:
    """Move the learning-rate select_slider one notch right (0.01 → 0.02), as a keyboard user would."""
    slider = page.locator("[data-testid='stSidebar'] .st-key-cfg_learning_rate [role='group']").first
    slider.scroll_into_view_if_needed()
    page.locator("[data-testid='stSidebar'] .st-key-cfg_learning_rate input[type='range']").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stSidebar] .st-key-cfg_learning_rate').innerText.includes('0.02')"
    )


METRIC_VALUE = """label => [...document.querySelectorAll('.st-key-live_metrics [data-testid="stMetric"]')]
  .find(m => m.querySelector('[data-testid="stMetricLabel"]').innerText.trim() === label)
  .querySelector('[data-testid="stMetricValue"]').innerText"""


def test_play_streams_marks_changes_keeps_zoom_and_runs_to_the_end(page, app_url: str) -> None:
    open_live_page(page, app_url)
    epochs = page.locator("[data-testid='stSidebar'] .st-key-cfg_epochs input")
    epochs.fill("10")  # 10,000 steps: still playing after the zoom and the change
    epochs.press("Enter")
    page.wait_for_function("() => document.querySelector('.st-key-live_metrics').innerText.includes('10,000 to go')")
    chart = ".st-key-trace_chart"
    page.get_by_role("button", name="Play", exact=True).click()

    seen, visible_every_frame, deadline = set(), True, time.time() + 30
    while len(seen) < 6 and time.time() < deadline:
        seen.add(page.evaluate(UPDATES, chart))
        visible_every_frame &= page.evaluate(VISIBLE, chart)
        time.sleep(0.05)
    assert len(seen) >= 6, f"chart updated only {len(seen) - 1} times"
    assert visible_every_frame
    # the metrics, status line and progress bar move with the ticks (the feed writes their texts in place)
    steps_shown, progress_shown, deadline = set(), set(), time.time() + 15
    while (len(steps_shown) < 4 or len(progress_shown) < 2) and time.time() < deadline:
        steps_shown.add(page.evaluate(METRIC_VALUE, "Step"))
        progress_shown.add(page.get_attribute(".st-key-live_status [role='progressbar']", "aria-valuenow"))
        time.sleep(0.1)
    assert len(steps_shown) >= 4, f"the Step metric showed only {steps_shown} while playing"
    assert len(progress_shown) >= 2, f"the progress bar stayed at {progress_shown}"
    assert page.locator(".st-key-live_status code").inner_text() == "running"

    plot = page.locator(f"{chart} .nsewdrag").first
    box = plot.bounding_box()
    unzoomed = page.evaluate(X_RANGE, chart)
    page.mouse.move(box["x"] + box["width"] * 0.05, box["y"] + box["height"] * 0.5)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5, steps=5)
    page.mouse.up()
    zoomed = page.evaluate(X_RANGE, chart)
    assert zoomed != unzoomed, f"the drag did not zoom: the range stayed {unzoomed}"
    assert page.evaluate(AUTORANGE, chart) is False, "the drag left the x axis on autorange: no zoom"
    before = page.evaluate(UPDATES, chart)
    page.wait_for_function(f"() => ({UPDATES})('{chart}') >= {before + 3}")
    assert page.evaluate(X_RANGE, chart) == zoomed
    page.evaluate("sel => document.querySelector(sel + ' .tapestream-chart').__tapestreamMark = 1", chart)

    change_learning_rate_with_the_keyboard(page)
    page.wait_for_function(  # read the figure's annotations: the marker may lie outside the zoomed range
        "() => (document.querySelector('.st-key-trace_chart .js-plotly-plot').layout.annotations || [])"
        ".some(a => /lr 0\\.01→0\\.02 @ step \\d+/.test(a.text))"
    )

    before = page.evaluate(UPDATES, chart)
    page.wait_for_function(f"() => ({UPDATES})('{chart}') >= {before + 3}")
    assert page.evaluate(X_RANGE, chart) == zoomed, "the zoom was lost when a setting changed mid-run"
    assert page.evaluate("sel => document.querySelector(sel + ' .tapestream-chart').__tapestreamMark", chart) == 1
    page.get_by_role("button", name="Run to end").click()
    page.wait_for_function(f"() => ({TITLE})('{chart}') === 'Weight: 5.00, Bias: 3.00'", timeout=90_000)
    assert page.evaluate(VISIBLE, chart)
    assert page.console_errors == []


EMA_CLIPPING = """() => {
  const root = document.querySelector('.st-key-smoothing');
  const buttons = Array.from(root.querySelectorAll('button'));
  const clipped = [];
  for (const button of buttons) {
    const box = button.getBoundingClientRect();
    if (button.scrollWidth > button.clientWidth + 1) clipped.push(button.innerText + ' (its text)');
    for (let el = button.parentElement; el && el !== document.body; el = el.parentElement) {
      if (getComputedStyle(el).overflowX === 'visible') continue;
      const frame = el.getBoundingClientRect();
      if (box.right > frame.right + 1 || box.left < frame.left - 1) clipped.push(button.innerText);
    }
  }
  return { labels: buttons.map((b) => b.innerText.trim()), clipped };
}"""
TOP_AND_HEIGHT = (
    "sel => { const box = document.querySelector(sel).getBoundingClientRect(); return [box.top, box.height]; }"
)


@pytest.fixture
def small_screen(browser, app_url: str):
    """The Live page in a 1280×720 tab, opened from Home as a visitor would."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    open_live_page(tab, app_url)
    yield tab
    context.close()


def test_at_1280_by_720_every_ema_option_shows_whole(small_screen) -> None:
    small_screen.wait_for_selector(".st-key-smoothing button")
    ema = small_screen.evaluate(EMA_CLIPPING)
    assert ema["labels"] == ["off", "0.9", "0.99", "0.999"] and ema["clipped"] == [], ema


def test_at_1280_by_720_the_first_charts_show_and_share_their_step_axis(small_screen) -> None:
    page = small_screen
    for chart in (".st-key-trace_chart", ".st-key-loss_chart"):
        top, height = page.evaluate(TOP_AND_HEIGHT, chart)
        assert 0 <= top <= 720 - height / 2, f"{chart} starts at {top:.0f}px: less than half of it shows at 720px"
    nav = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    assert [text.strip() for text in nav] == ["Home", "GradientTape Explorer", "Live Regression", "Compare Runs"]
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function("() => document.querySelector('.st-key-live_metrics').innerText.includes('1,999 to go')")
    same = [f"JSON.stringify(({X_RANGE})('.st-key-{key}'))" for key in ("trace_chart", "loss_chart")]
    page.wait_for_function(f"() => {same[0]} === {same[1]}")
    assert page.evaluate(X_RANGE, ".st-key-trace_chart") == [0, 10]  # both axes: the steps done, with headroom


FEED_STATE = """sel => {
  const chart = document.querySelector(sel + ' .tapestream-chart');
  const plot = chart;  // Plotly draws into the chart's own element
  const xs = Array.from(plot.data[0].x), ys = Array.from(plot.data[0].y);
  return {
    frame: chart.dataset.frame, updates: +chart.dataset.updates, step: +chart.dataset.step, count: xs.length,
    increasing: xs.every((x, i) => i === 0 || x > xs[i - 1]), last: [xs[xs.length - 1], ys[ys.length - 1]],
    title: plot.layout.title.text, range: plot._fullLayout.xaxis.range,
  };
}"""


def test_ticks_extend_the_full_draw_with_only_new_rows(page, app_url: str) -> None:
    answered, sent = [], []  # the tick route's answers; the BackMsgs the page sends (a fragment tick is one)
    page.on("requestfinished", lambda request: answered.append(request.url) if TICK_ROUTE in request.url else None)
    page.on("websocket", lambda socket: socket.on("framesent", lambda frame: sent.append(frame)))

    def feed_state() -> dict:
        return {**page.evaluate(FEED_STATE, chart), "answered": len(answered), "sent": len(sent)}

    open_live_page(page, app_url)
    epochs = page.locator("[data-testid='stSidebar'] .st-key-cfg_epochs input")
    epochs.fill("10")
    epochs.press("Enter")
    page.wait_for_function("() => document.querySelector('.st-key-live_metrics').innerText.includes('10,000 to go')")
    chart = ".st-key-trace_chart"
    page.get_by_role("button", name="Play", exact=True).click()
    # The feed component's first mount makes one more full run; after it, ticks extend that full draw in place.
    first, later, deadline = feed_state(), None, time.time() + 30
    while time.time() < deadline:
        time.sleep(0.3)
        state = feed_state()
        if state["frame"] == first["frame"] and state["updates"] >= first["updates"] + 4:
            later = state
            break
        if state["frame"] != first["frame"]:
            first = state
    assert later is not None, f"no four updates in a row extended one full draw (last: {first})"
    # Those updates came over HTTP (ui/live/tick_route.py), not as fragment reruns over the websocket.
    assert later["answered"] - first["answered"] >= 4, (first, later)
    assert later["sent"] - first["sent"] <= 1, "the ticks went over the websocket"
    assert later["step"] > first["step"] > 0, (first, later)
    assert later["increasing"], "a step was appended twice or out of order"
    assert later["last"][0] == later["step"] and later["count"] <= 4000
    shown_w = float(re.search(r"Weight: (-?[\d.]+)", later["title"]).group(1))
    assert abs(later["last"][1] - shown_w) <= 0.0051, (later["last"], later["title"])
    page.get_by_role("button", name="Pause", exact=True).click()
    page.wait_for_function(
        f"() => document.querySelector('{chart} .tapestream-chart').dataset.frame !== '{later['frame']}'"
    )
    paused = page.evaluate(FEED_STATE, chart)  # a full run draws the whole picture again
    assert paused["increasing"] and paused["last"][0] == paused["step"] >= later["step"]
    assert page.console_errors == []
