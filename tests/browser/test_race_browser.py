"""A race in Chromium: the Optimizers preset streams every lane's line and path, keeps the zoom, fills the table."""

from __future__ import annotations

import os
import re
import time

OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad")
SHOTS = os.environ.get("TAPESTREAM_SHOTS")  # a folder to keep screenshots in, when set
TRACE_LENGTHS = """([sel, prefix]) => {
  const plot = document.querySelector(sel + ' .js-plotly-plot');
  const out = {};
  for (const trace of plot.data) if ((trace.name || '').startsWith(prefix)) out[trace.name] = trace.x.length;
  return out;
}"""
X_RANGE = "sel => document.querySelector(sel + ' .js-plotly-plot')._fullLayout.xaxis.range"
UPDATES = "sel => +document.querySelector(sel + ' .tapestream-chart').dataset.updates"
LEGEND_GAP = """sel => {
  const plot = document.querySelector(sel + ' .js-plotly-plot');
  const box = part => plot.querySelector(part).getBoundingClientRect();
  return box('.legend').top - box('.g-xtitle').bottom;
}"""
EDITOR = ".st-key-race_lane_editor"
EDITOR_OPEN = f"() => document.querySelector('{EDITOR} details').open"
PICKED = "() => document.querySelector('.st-key-race_lane_pick input').value"
IDLE = "() => document.querySelector(\"[data-testid='stApp']\").dataset.testScriptState !== 'running'"


def shot(page, name: str, element: str | None = None) -> None:
    if SHOTS:
        target = page.locator(element).first if element else page
        target.screenshot(path=os.path.join(SHOTS, f"{name}.png"), **({} if element else {"full_page": True}))


def test_the_optimizers_preset_races_six_lanes_live(page, app_url: str) -> None:
    page.goto(app_url)
    page.get_by_role("link", name=re.compile("Live Regression")).first.click()
    page.wait_for_selector(".st-key-trace_chart .js-plotly-plot")
    epochs = page.locator("[data-testid='stSidebar'] .st-key-cfg_epochs input")
    epochs.fill("20")  # 20,000 steps: still racing while the test looks
    epochs.press("Enter")
    page.wait_for_function("() => document.querySelector('.st-key-live_metrics').innerText.includes('20,000 to go')")
    page.locator(".st-key-race_preset input").click()
    page.keyboard.type("Optimizers")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => ((document.querySelector('.st-key-landscape_chart .js-plotly-plot') || {}).data || [])"
        ".filter(t => (t.name || '').startsWith('path · ')).length === 6"
    )
    page.get_by_role("button", name="Play", exact=True).click()
    trace = ".st-key-trace_chart"
    page.wait_for_function(f"() => ({UPDATES})('{trace}') >= 5")
    first = page.evaluate(TRACE_LENGTHS, [trace, "w · "])
    assert sorted(first) == sorted(f"w · {name}" for name in OPTIMIZERS)

    box = page.locator(f"{trace} .nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.05, box["y"] + box["height"] * 0.5)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5, steps=5)
    page.mouse.up()
    zoomed = page.evaluate(X_RANGE, trace)
    before = page.evaluate(UPDATES, trace)
    page.wait_for_function(f"() => ({UPDATES})('{trace}') >= {before + 4}")
    time.sleep(0.3)
    assert page.evaluate(X_RANGE, trace) == zoomed, "the zoom was lost while the race streamed"

    later = page.evaluate(TRACE_LENGTHS, [trace, "w · "])
    assert all(later[name] > first[name] for name in first), (first, later)  # every lane's line grew
    paths = page.evaluate(TRACE_LENGTHS, [".st-key-landscape_chart", "path · "])
    assert len(paths) == 6 and all(length > 1 for length in paths.values()), paths
    losses = page.evaluate(TRACE_LENGTHS, [".st-key-loss_chart", "loss · "])
    assert len(losses) == 6
    table = page.locator(".st-key-lanes_table").inner_text()
    assert all(name in table for name in OPTIMIZERS) and "running" in table
    # the table's cells follow the race between full runs (each tick's feed writes them in place)
    step_cells = "() => [...document.querySelectorAll('.st-key-lanes_table tbody tr')].map(r => r.cells[5].innerText)"
    steps_before = page.evaluate(step_cells)
    page.wait_for_function(f"before => JSON.stringify(({step_cells})()) !== JSON.stringify(before)", arg=steps_before)
    assert len(page.evaluate(step_cells)) == 6
    shot(page, "race_playing")

    # Add lane mid-run: the six lanes go on from where they are, the seventh trains from step 0 and catches up
    playing_at = max(int(text.replace(",", "")) for text in page.evaluate(step_cells))
    page.get_by_role("button", name="Add lane", exact=True).click()
    page.wait_for_function(
        "() => ((document.querySelector('.st-key-landscape_chart .js-plotly-plot') || {}).data || [])"
        ".filter(t => (t.name || '').startsWith('path · ')).length === 7"
    )
    page.wait_for_function(f"() => ({UPDATES})('{trace}') >= 3")
    steps = [int(text.replace(",", "")) for text in page.evaluate(step_cells)]
    assert len(steps) == 7 and min(steps[:6]) >= playing_at, (playing_at, steps)  # nobody started over
    assert "trains from step 0" in page.locator("[data-testid='stAlert']").first.inner_text()
    shot(page, "race_lane_added")

    # change one lane mid-run: adam's learning rate; the change is marked with that lane's label
    page.locator(f"{EDITOR} summary").click()
    page.wait_for_function(f"() => ({EDITOR_OPEN})() && ({IDLE})()")  # open, and the rerun that says so is done
    page.locator(".st-key-race_lane_pick input").click()
    page.locator("[role='option']", has_text="5: adam").click()
    page.wait_for_function(f"() => ({PICKED})() === '5: adam'")
    rate = page.locator("[class*='st-key-lane_'][class*='_4_learning_rate'] input")
    rate.wait_for(state="visible")
    rate.fill("0.1")
    rate.press("Enter")
    marks = (
        "() => (((document.querySelector('.st-key-trace_chart .js-plotly-plot') || {})._fullLayout || {})"
        ".annotations || [])"
    )
    page.wait_for_function(f"() => ({marks})().some(a => (a.text || '').includes('adam, lr 0.1: lr 0.01→0.1'))")
    page.wait_for_function(f"() => ({UPDATES})('{trace}') >= 3")
    shot(page, "race_lane_changed")

    # EMA smoothing: every lane's EMA is drawn, and grows with the ticks as its loss does
    page.locator(".st-key-smoothing button", has_text="0.9").first.click()
    loss_chart = ".st-key-loss_chart"
    page.wait_for_function(
        "() => ((document.querySelector('.st-key-loss_chart .js-plotly-plot') || {}).data || [])"
        ".filter(t => (t.name || '').startsWith('EMA · ')).length === 7"
    )
    page.wait_for_function(f"() => ({UPDATES})('{loss_chart}') >= 2")
    emas = page.evaluate(TRACE_LENGTHS, [loss_chart, "EMA · "])
    before = page.evaluate(UPDATES, loss_chart)
    page.wait_for_function(f"() => ({UPDATES})('{loss_chart}') >= {before + 4}")
    grown = page.evaluate(TRACE_LENGTHS, [loss_chart, "EMA · "])
    assert len(emas) == 7 and all(grown[name] > emas[name] for name in emas), (emas, grown)
    for chart in (trace, loss_chart, ".st-key-data_chart", ".st-key-landscape_chart"):
        assert page.evaluate(LEGEND_GAP, chart) >= 0, f"{chart}: the legend overlaps the x axis's title"
    # the editor stayed open on its lane through those reruns, the lane's new label shown
    assert page.evaluate(EDITOR_OPEN) and page.evaluate(PICKED) == "5: adam, lr 0.1", page.evaluate(PICKED)
    assert rate.input_value() == "0.1"
    shot(page, "race_smoothed")
    shot(page, "race_smoothed_loss_chart", loss_chart)
    shot(page, "race_landscape", ".st-key-landscape_chart")
    page.get_by_role("button", name="Pause", exact=True).click()
    page.wait_for_function("() => document.querySelector('.st-key-live_metrics') !== null")
    shot(page, "race_paused")
    assert page.console_errors == []
