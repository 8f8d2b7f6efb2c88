"""The Timeline and step inspector in Chromium: pause, move the Timeline; the cursor and the landscape point move,
the inspector's w equals the trace at that step, and a move sends only a few kilobytes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from store_fixtures import app_store  # noqa: F401 (a fixture)
from test_compare_browser import tick_row
from test_live_regression_browser import open_live_page

from core.regression.config import RegressionConfig
from core.regression.trainer import Trainer
from core.store.run_saving import save_trainer
from core.store.run_store import RunStore

PLOT = "sel => document.querySelector(sel + ' .js-plotly-plot')"
LAST_SHAPE = "shapes => (shapes && shapes.length ? shapes[shapes.length - 1].x0 : null)"
CURSOR = f"() => ({LAST_SHAPE})(({PLOT})('.st-key-trace_chart').layout.shapes)"
LOSS_CURSOR = f"() => ({LAST_SHAPE})(({PLOT})('.st-key-loss_chart').layout.shapes)"
POINT = f"() => {{ const d = ({PLOT})('.st-key-landscape_chart').data[2]; return [d.x[0], d.y[0]]; }}"
ARROWS = f"() => (({PLOT})('.st-key-landscape_chart').layout.annotations || []).filter(a => a.text === '−∇L').length"
TRACE_W = (
    f"step => {{ const d = ({PLOT})('.st-key-trace_chart').data[0]; const i = Array.from(d.x).indexOf(step); "
    "return i < 0 ? null : d.y[i]; }"
)
INSPECTOR = "() => { const e = document.querySelector('.st-key-step_inspector'); return e ? e.innerText : ''; }"


def shown_w_after(text: str) -> float:
    """The w after the step, from the update rule in the loop body's comments (written with a real minus sign)."""
    match = re.search(r"(?:^|# )w ← .* = ([−\-]?[0-9.e+−\-]+)$", text, re.MULTILINE)
    assert match, text
    return float(match.group(1).replace("−", "-"))


def test_moving_the_timeline_moves_the_cursor_the_point_and_the_inspector(page, app_url: str) -> None:
    received: list[int] = []  # the sizes of the messages the server sends, from the page's first one
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload))))
    open_live_page(page, app_url)
    page.get_by_role("button", name="Step epoch").click()
    page.wait_for_selector(".st-key-step_inspector")
    page.wait_for_function(f"() => ({INSPECTOR})().includes('Step 1,000 ')")
    page.wait_for_function(f"() => ({CURSOR})() === 1000 && ({LOSS_CURSOR})() === 1000")
    point_before = page.evaluate(POINT)
    page.wait_for_timeout(500)
    received.clear()
    handle = page.get_by_role("slider", name="Timeline")
    handle.focus()
    page.keyboard.press("Home")  # to step 1
    page.wait_for_function(f"() => ({CURSOR})() === 1 && ({LOSS_CURSOR})() === 1", timeout=30_000)
    page.wait_for_function(f"() => ({INSPECTOR})().includes('Step 1 ')")
    page.wait_for_timeout(800)
    point_after = page.evaluate(POINT)
    assert point_after != point_before
    assert page.evaluate(ARROWS) == 1
    trace_w = page.evaluate(TRACE_W, 1)
    assert trace_w is not None and point_after[0] == trace_w  # the landscape point is the trace's w at step 1
    assert abs(shown_w_after(page.evaluate(INSPECTOR)) - trace_w) <= 5e-6 * max(1.0, abs(trace_w))
    print(f"bytes received for one Timeline move: {sum(received)} in {len(received)} messages")
    assert sum(received) <= 5_000  # everything one move sends: the Timeline, the charts' parts, the inspector
    page.get_by_role("button", name="Play back from here").click()  # 20 steps/s through the recorded trace
    page.wait_for_function(f"() => ({CURSOR})() >= 20", timeout=30_000)
    page.get_by_role("button", name="Stop playback").click()
    page.screenshot(path="/tmp/step_inspector_browser.png", full_page=True)
    assert not [e for e in page.console_errors if "Chart failed" in e]


# The optimizers whose inspector shows the most (a slot table, Adam's seven rule lines) with mini-batches and the
# full batch (their first rows): 2 epochs, so the full batch has two steps to move between.
MOVE_CASES = [  # the URL's settings, and the steps one epoch (two for the full batch) makes
    ("optimizer=momentum", 1000),
    ("optimizer=adam&batch_size=32", 32),
    ("optimizer=nesterov&batch_size=1000&epochs=2", 2),
]


@pytest.mark.parametrize(("query", "last"), MOVE_CASES)
def test_every_timeline_move_sends_at_most_5_kb_whatever_the_optimizer_and_batch(
    page, app_url: str, query: str, last: int
) -> None:
    received: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload))))
    page.goto(f"{app_url}/Live_Regression?{query}")
    page.wait_for_selector(".st-key-trace_chart .js-plotly-plot")
    page.get_by_role("button", name="Step epoch").click()
    if "batch_size=1000" in query:  # one step an epoch
        page.wait_for_function(f"() => ({INSPECTOR})().includes('Step 1 ')")
        page.get_by_role("button", name="Step epoch").click()
    page.wait_for_function(
        f"() => ({INSPECTOR})().includes('Step {last:,} ') && ({CURSOR})() === {last}", timeout=60_000
    )
    page.wait_for_timeout(800)
    sizes = []
    moves = [("Home", 1), ("ArrowRight", 2), ("End", last), ("ArrowLeft", last - 1)]
    for (key, step), before in zip(moves, [last] + [step for _, step in moves]):
        if step == before:  # the full batch's two steps: End is where ArrowRight went
            continue
        received.clear()
        page.get_by_role("slider", name="Timeline").focus()
        page.keyboard.press(key)
        page.wait_for_function(f"() => ({CURSOR})() === {step}", timeout=30_000)  # moved to {key}: {step}
        page.wait_for_function(f"() => ({INSPECTOR})().includes('Step {step:,} ')")
        page.wait_for_timeout(800)
        assert "```" not in page.evaluate(INSPECTOR) and "← " in page.evaluate(INSPECTOR)  # drawn, with its rule
        sizes.append(sum(received))
    print(f"bytes received per Timeline move ({query}): {sizes}")
    assert max(sizes) <= 5_000, sizes  # everything a move sends: the Timeline, the charts' parts, the inspector


def stored_inspector_run(db: Path) -> tuple[int, Trainer]:
    """A 200-step run trained for real and saved (the inspector trains it again from its config): its id and run."""
    trainer = Trainer(RegressionConfig(n_samples=100, epochs=2, optimizer="momentum"), backend="compiled")
    trainer.run()
    with RunStore(db) as store:
        run_id = save_trainer(trainer, store=store, name="inspector-stored")
    return run_id, trainer


STORED_CURSOR = f"() => ({LAST_SHAPE})(({PLOT})('.st-key-stored_trace_chart').layout.shapes)"
STORED_LOSS_CURSOR = f"() => ({LAST_SHAPE})(({PLOT})('.st-key-stored_loss_chart').layout.shapes)"
STORED_POINT = f"() => ({PLOT})('.st-key-stored_path_chart').data[1].x[0]"
STORED_FIT = (  # the data chart's fit line (data.2): its x ends and y values, and the star at the step's sample
    f"() => {{ const d = ({PLOT})('.st-key-stored_data_chart').data; "
    "return [Array.from(d[2].x), Array.from(d[2].y), Array.from(d[3].x)]; }"
)
STORED_DRAWS = "key => Number(document.querySelector('.st-key-' + key + ' .tapestream-chart').dataset.updates)"


def test_compare_moves_a_stored_runs_cursor_with_small_deltas_and_plays_it_back(
    page,
    app_url: str,
    app_store: Path,  # noqa: F811
) -> None:
    run_id, trainer = stored_inspector_run(app_store)
    w, b = trainer.trace_column("w"), trainer.trace_column("b")
    received: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload))))
    page.goto(app_url)
    page.get_by_role("link", name=re.compile("Compare Runs")).first.click()
    page.get_by_label("Filter runs").fill("inspector-stored")
    page.get_by_label("Filter runs").press("Enter")
    page.get_by_text(re.compile(r"^1 of \d+ runs")).wait_for()
    tick_row(page, 1)
    page.wait_for_selector(".st-key-stored_trace_chart .js-plotly-plot")
    page.wait_for_selector(".st-key-stored_path_chart .js-plotly-plot")
    page.wait_for_selector(".st-key-stored_loss_chart .js-plotly-plot")
    page.wait_for_selector(".st-key-stored_data_chart .js-plotly-plot")
    page.wait_for_function(f"() => ({INSPECTOR})().includes('Step 200 ')")
    page.wait_for_function(f"() => ({STORED_CURSOR})() === 200 && ({STORED_LOSS_CURSOR})() === 200")
    page.wait_for_timeout(800)
    ends, fit_before, _ = page.evaluate(STORED_FIT)
    assert fit_before == pytest.approx([float(w[200]) * x + float(b[200]) for x in ends], rel=1e-5)
    received.clear()
    page.get_by_role("slider", name="Timeline").focus()
    page.keyboard.press("Home")  # to step 1
    page.wait_for_function(f"() => ({STORED_CURSOR})() === 1 && ({STORED_LOSS_CURSOR})() === 1", timeout=30_000)
    page.wait_for_function(f"() => ({INSPECTOR})().includes('Step 1 ')")
    page.wait_for_timeout(800)
    assert page.evaluate(STORED_POINT) == float(w[1])  # the point is the stored trace's w at step 1
    assert page.evaluate(ARROWS.replace("landscape_chart", "stored_path_chart")) == 1
    ends_after, fit_after, star = page.evaluate(STORED_FIT)
    assert ends_after == ends and fit_after != fit_before  # the fit line moved with the Timeline ...
    assert fit_after == pytest.approx([float(w[1]) * x + float(b[1]) for x in ends], rel=1e-5)  # ... to step 1's
    shown_x = re.search(r"Sample [0-9,]+: x = ([−\-]?[0-9.e+−\-]+)", page.evaluate(INSPECTOR))
    assert shown_x and len(star) == 1  # the step's sample, starred where the inspector says it is
    assert star[0] == pytest.approx(float(shown_x.group(1).replace("−", "-")), rel=1e-5, abs=1e-6)
    print(f"bytes received for one Compare Timeline move: {sum(received)} in {len(received)} messages")
    assert sum(received) <= 5_000  # the four charts' parts and the inspector's text: no series
    draws = page.evaluate(STORED_DRAWS, "stored_trace_chart")
    page.get_by_role("button", name="Play back from here").click()  # 20 steps/s through the stored trace
    page.wait_for_function(f"() => ({STORED_CURSOR})() >= 20", timeout=30_000)
    page.get_by_role("button", name="Stop playback").click()
    page.wait_for_function(f"() => ({INSPECTOR})().includes('Step')")
    assert page.evaluate(STORED_DRAWS, "stored_trace_chart") > draws  # moved by deltas on the same chart
    page.screenshot(path="/tmp/stored_inspector_browser.png", full_page=True)
    assert not [e for e in page.console_errors if "Chart failed" in e]
