"""Compare-page benchmark in real Chromium: draw N picked runs of 2,000 steps, recolour them, filter them, and list
a store of 10,000 runs.

It saves N runs (sweeps of the tutorial's config over learning rates and two optimizers, `python -m core sweep
--save`) into a scratch store, serves the dashboard on it, opens Compare Runs, picks every run with "Select a
group" and times from that click until all three overlay charts hold N runs: the overlays are live charts
(ui/compare/overlay_chart.py), each read from the count of runs its drawn plot holds (layout.meta.runs, as
Plotly.react took it) (draw_s: cold, the first read of the points, then warm_draw_s: a new tab, the points cached).
settle_s: how much longer that page run went on below the charts (the step inspector, the Sweeps section). Then,
each on an idle page: recolour_s: "Colour by" from learning_rate to optimizer until every overlay shows the
optimizer's legend; filter_s: a "Filter by result" expression until the charts hold fewer runs.
list_s: a second store of --list-runs short runs, from the click on Compare Runs until its table says so.

draw_s, warm_draw_s, recolour_s and filter_s are timed in the page: from the user's click (its pointerdown) or
Enter (keydown), at the event's timeStamp (when the input reached the browser), to the first animation frame at
which all three overlays hold what was asked (checked every frame in the page). The same spans timed from this
script (Playwright's click, then polling the page from here, which waits while the page is busy) are the *_wall_s
keys.

Usage: python scripts/bench_compare.py [--runs 1000] [--list-runs 10000] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from conftest import CHROMIUM, LAUNCH_ARGS, OVERLAY_RUNS_DRAWN, dashboard_server  # noqa: E402

from core.regression.config import RegressionConfig  # noqa: E402
from core.store.run_store import RunStore  # noqa: E402

SWEEP_RUNS = 1000  # the largest sweep
MAX_RUNS = 10_000
MAX_LIST_RUNS = 100_000
CHARTS = ("compare_overlay_w", "compare_overlay_b", "compare_overlay_loss")
RUNS_DRAWN = OVERLAY_RUNS_DRAWN
LEGEND = """key => [...document.querySelectorAll(`.st-key-${key} .legendtext`)].map(e => e.textContent)"""
TIMEOUT_MS = 180_000
IDLE = "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"


def positive(limit: int, zero: bool = False):
    """An argparse type: a whole number from 1 (or 0) to limit; anything else is one line, exit 2."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not (0 if zero else 1) <= value <= limit:
            raise argparse.ArgumentTypeError(f"{value} is outside {0 if zero else 1} to {limit:,}")
        return value

    return parse


def save_sweeps(db: Path, runs: int) -> None:
    """runs runs of 2,000 steps: sweeps of at most 1,000 over learning rates (× sgd and adam when runs is even)."""
    optimizers = ["sgd", "adam"] if runs % 2 == 0 else ["sgd"]
    rates = np.geomspace(1e-3, 0.3, runs // len(optimizers))
    per_sweep = SWEEP_RUNS // len(optimizers)
    for start in range(0, len(rates), per_sweep):
        chunk = ",".join(f"{rate:.9g}" for rate in rates[start : start + per_sweep])
        command = [sys.executable, "-m", "core", "sweep", "--lr", chunk, "--optimizer", ",".join(optimizers)]
        subprocess.run([*command, "--save", "--db", str(db)], cwd=ROOT, check=True, capture_output=True)


def save_short_runs(db: Path, runs: int, steps: int = 20) -> None:
    """runs short runs straight through the store API (the table's speed does not depend on their points)."""
    step = np.arange(steps + 1)
    config = RegressionConfig().to_dict()
    batch = [
        {
            "config": {**config, "learning_rate": 0.001 * (1 + index % 100)},
            "status": "done",
            "step": step,
            "epoch": step // 10,
            "w": 5.0 * step / steps,
            "b": 3.0 * step / steps,
            "loss": 1.0 / (1 + step),
        }
        for index in range(runs)
    ]
    with RunStore(db) as store:
        for start in range(0, runs, 1000):
            store.save_runs(batch[start : start + 1000])


def open_compare(browser, url: str):
    page = browser.new_context(viewport={"width": 1600, "height": 1200}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.get_by_role("link", name=re.compile("Compare Runs")).first.click()
    return page


# In the page: from the first `name` event on (its timeStamp: when the input reached the browser, however busy the page
# then was), check `condition` at every animation frame and keep the time it first holds (window.__benchSpan, s).
ARM = """([name, condition, arg]) => {
  const holds = new Function("return " + condition)();
  window.__benchSpan = null;
  document.addEventListener(name, (event) => {
    const started = event.timeStamp;
    const check = () => {
      if (holds(arg)) window.__benchSpan = (performance.now() - started) / 1000;
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }, { capture: true, once: true });
}"""
ALL_DRAWN = f"runs => {list(CHARTS)!r}.every(key => ({RUNS_DRAWN})(key) === runs)"
FEWER_DRAWN = f"""runs => {{ const counts = {list(CHARTS)!r}.map(key => ({RUNS_DRAWN})(key));
  return counts.every(count => count >= 0 && count < runs && count === counts[0]); }}"""
OPTIMIZER_LEGENDS = f"""() => {list(CHARTS)!r}.every(
  key => ({LEGEND})(key).some(text => text.startsWith("optimizer = ")))"""


def arm(page, event: str, condition: str, arg=None) -> None:
    """Start the page's own clock (ARM) for the next `event`."""
    page.evaluate(ARM, [event, condition, arg])


def in_page_span(page) -> float:
    """The armed span, once the page has seen its condition hold."""
    page.wait_for_function("() => window.__benchSpan !== null", timeout=TIMEOUT_MS)
    return page.evaluate("() => window.__benchSpan")


def wait_drawn(page, condition) -> float:
    """Seconds until condition(count of runs in each overlay) holds for all three overlays."""
    started = time.perf_counter()
    while True:
        counts = [page.evaluate(RUNS_DRAWN, key) for key in CHARTS]
        if condition(counts):
            return time.perf_counter() - started
        if time.perf_counter() - started > TIMEOUT_MS / 1000:
            raise TimeoutError(f"overlays never drew as expected: {counts}")
        time.sleep(0.02)


def select_all_and_time(page, runs: int) -> tuple[float, float]:
    """(in the page, from here): "Select a group" → every run, until the three overlays hold them all."""
    page.get_by_text(re.compile(rf"^{runs} of {runs} runs")).wait_for()
    page.locator(".st-key-compare_group input").first.click()
    option = page.get_by_role("option", name=re.compile(r"every run in the table"))
    option.wait_for()
    arm(page, "pointerdown", ALL_DRAWN, runs)
    started = time.perf_counter()
    option.click()
    wait_drawn(page, lambda counts: all(count == runs for count in counts))
    wall = time.perf_counter() - started
    return in_page_span(page), wall


def wait_idle(page) -> float:
    """Seconds until the page's script run has finished (the part of the page below the charts included)."""
    started = time.perf_counter()
    page.wait_for_function(IDLE, timeout=TIMEOUT_MS)
    return time.perf_counter() - started


def recolour(page) -> tuple[float, float]:
    """(in the page, from here): "Colour by" learning_rate → optimizer, until every overlay shows its legend."""
    option = page.get_by_role("option", name="optimizer", exact=True)
    for _ in range(6):  # a rerun that redraws the select can close its list: open it again
        page.locator(".st-key-compare_colour_by input").first.click()
        try:
            option.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    arm(page, "pointerdown", OPTIMIZER_LEGENDS)
    started = time.perf_counter()  # from the click on the option, as the draw is timed
    option.click()
    while not all(any(text.startswith("optimizer = ") for text in page.evaluate(LEGEND, key)) for key in CHARTS):
        if time.perf_counter() - started > TIMEOUT_MS / 1000:
            raise TimeoutError("the charts never showed the optimizer's legend")
        time.sleep(0.02)
    wall = time.perf_counter() - started
    return in_page_span(page), wall


def filter_runs(page, runs: int) -> tuple[float, float, int]:
    """(in the page, from here, runs left): a "Filter by result" expression until the overlays hold fewer runs."""
    box = page.get_by_role("textbox", name="Filter by result")
    box.fill("final_loss < 1e-6")
    arm(page, "keydown", FEWER_DRAWN, runs)
    started = time.perf_counter()
    box.press("Enter")
    wait_drawn(page, lambda counts: all(0 <= count < runs for count in counts) and len(set(counts)) == 1)
    wall = time.perf_counter() - started
    return in_page_span(page), wall, page.evaluate(RUNS_DRAWN, CHARTS[0])


def list_time(browser, url: str, runs: int) -> float:
    page = browser.new_context(viewport={"width": 1600, "height": 1200}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.get_by_role("link", name=re.compile("Compare Runs")).first.click()  # warm: the page has run once
    page.get_by_text(re.compile(rf"^{runs} of {runs} runs")).wait_for()
    page.get_by_role("link", name=re.compile("Home")).first.click()
    page.get_by_role("link", name=re.compile("Compare Runs")).first.wait_for()
    started = time.perf_counter()
    page.get_by_role("link", name=re.compile("Compare Runs")).first.click()
    page.get_by_text(re.compile(rf"^{runs} of {runs} runs")).wait_for()
    page.locator(".st-key-compare_table canvas").first.wait_for()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=positive(MAX_RUNS), default=1000, help="runs to draw (2,000 steps each)")
    parser.add_argument(
        "--list-runs", type=positive(MAX_LIST_RUNS, zero=True), default=10_000, help="store size to list (0: skip)"
    )
    parser.add_argument("--db", type=Path, help="an existing store holding exactly --runs runs (skips saving them)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    args = parser.parse_args()
    result: dict[str, float | int] = {"runs": args.runs, "points_per_run": 2001}
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as folder:
        db = args.db or Path(folder) / "runs.sqlite3"
        if args.db is None:
            started = time.perf_counter()
            save_sweeps(db, args.runs)
            result["store_s"] = round(time.perf_counter() - started, 2)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            with dashboard_server(db, Path(folder) / "streamlit.log") as url:
                page = open_compare(browser, url)
                spans = {"draw": select_all_and_time(page, args.runs)}
                print(f"draw_s: {spans['draw'][0]:.2f}", file=sys.stderr)
                result["settle_s"] = round(wait_idle(page), 2)
                spans["recolour"] = recolour(page)
                wait_idle(page)
                *spans["filter"], result["filtered_runs"] = filter_runs(page, args.runs)
                page.context.close()
                warm = open_compare(browser, url)
                spans["warm_draw"] = select_all_and_time(warm, args.runs)
                warm.context.close()
                for name, (in_page, wall) in spans.items():
                    result[f"{name}_s"], result[f"{name}_wall_s"] = round(in_page, 2), round(wall, 2)
            if args.list_runs:
                listed = Path(folder) / "listed.sqlite3"
                save_short_runs(listed, args.list_runs)
                with dashboard_server(listed, Path(folder) / "streamlit-list.log") as url:
                    result["list_runs"] = args.list_runs
                    result["list_s"] = round(list_time(browser, url, args.list_runs), 2)
            browser.close()
    for name, value in result.items():
        print(f"{name}: {value}")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
