"""Live-page benchmark: Play-to-first-update time, chart updates/s in a real browser, server and engine CPU per
update with 1 and 3 playing sessions (plus an idle one), and the payload per update for a 1M-step run.

Usage: python scripts/bench_live.py [--seconds 10] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from conftest import CHROMIUM, LAUNCH_ARGS, free_port, wait_until_healthy  # noqa: E402

UPDATES = "() => { const c = document.querySelector('.st-key-trace_chart .tapestream-chart'); return c ? +c.dataset.updates : -1; }"  # noqa: E501


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def engine_process(server: psutil.Process) -> psutil.Process:
    for child in server.children(recursive=True):
        if "spawn_main" in " ".join(child.cmdline()):
            return child
    raise RuntimeError("engine process not found")


def open_live(browser, url: str):
    page = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{url}/")
    page.get_by_role("link", name=re.compile("Live Regression")).first.click()
    page.wait_for_selector(".st-key-landscape_chart .js-plotly-plot")
    page.locator("[data-testid='stSidebar'] .st-key-cfg_epochs input").fill("10000")
    page.keyboard.press("Enter")
    time.sleep(1.0)
    return page


def play_and_time_first_update(page) -> float:
    before = page.evaluate(UPDATES)
    started = time.perf_counter()
    page.get_by_role("button", name="Play", exact=True).click()
    while page.evaluate(UPDATES) == before:
        time.sleep(0.005)
    return time.perf_counter() - started


def measure(pages, idle, server, engine, seconds: float) -> dict:
    counts = [page.evaluate(UPDATES) for page in pages]
    idle_before = idle.evaluate(UPDATES) if idle else None
    server_cpu, engine_cpu, started = cpu_seconds(server), cpu_seconds(engine), time.perf_counter()
    time.sleep(seconds)
    elapsed = time.perf_counter() - started
    server_cpu, engine_cpu = cpu_seconds(server) - server_cpu, cpu_seconds(engine) - engine_cpu
    made = [page.evaluate(UPDATES) - count for page, count in zip(pages, counts)]
    total = max(sum(made), 1)
    return {
        "updates_per_s_each": [round(m / elapsed, 2) for m in made],
        "server_ms_per_update": round(1000 * server_cpu / total, 2),
        "engine_ms_per_update": round(1000 * engine_cpu / total, 2),
        "idle_session_updates": None if idle is None else idle.evaluate(UPDATES) - idle_before,
    }


def payload_bytes() -> dict:
    """JSON bytes of the four figures per update for a 2,000-step and a 1,000,000-step run."""
    from core.engine.client import EngineClient
    from core.regression.config import RegressionConfig
    from ui.live import frame_figures
    from ui.live.run_state import LiveRun

    sizes = {}
    client = EngineClient()
    try:
        for label, config in (
            ("2k_steps", RegressionConfig()),
            ("1m_steps", RegressionConfig(n_samples=1_000_000, epochs=1)),
        ):
            run = LiveRun(client, config=config)
            run.tick()
            run.play(to_end=True)
            while run.tick()["status"] == "running":
                pass
            view = run.view
            charts = [
                frame_figures.trace_figure(view, 0),
                frame_figures.loss_figure(view, 0, False, 0.0),
                frame_figures.data_figure(view, run.samples, 0),
                frame_figures.landscape_figure(view, run.surface, 0),
            ]
            sizes[label] = sum(len(json.dumps(chart)) for chart in charts)
            sizes[label + "_steps_done"] = view["steps_done"]
    finally:
        client.shutdown()
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    server_process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TAPESTREAM_DB": str(database)},
    )
    results: dict = {}
    try:
        wait_until_healthy(url, server_process)
        server = psutil.Process(server_process.pid)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            first = open_live(browser, url)
            engine = engine_process(server)
            firsts = [play_and_time_first_update(first)]
            results["one_session"] = measure([first], None, server, engine, args.seconds)
            others = [open_live(browser, url) for _ in range(3)]
            for page in others[:2]:
                firsts.append(play_and_time_first_update(page))
            results["three_sessions_one_idle"] = measure([first, *others[:2]], others[2], server, engine, args.seconds)
            results["play_to_first_update_s"] = round(statistics.median(firsts), 3)
            browser.close()
    finally:
        server_process.terminate()
        server_process.wait(timeout=20)
    results["payload_bytes_per_update"] = payload_bytes()
    for key, value in results.items():
        print(f"{key}: {value}")
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
