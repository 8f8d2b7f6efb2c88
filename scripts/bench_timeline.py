"""Benchmark: a Timeline move's server time (target ≤ 100 ms), the first move and later ones, on Live and Compare.

Run: ``python scripts/bench_timeline.py [--moves 12] [--settle 0.7] [--json]``. Starts ``streamlit run
dashboard.py`` on a free loopback port with a scratch run store, through this script's --serve launcher, which
times every script run on the server's script thread (wall and that thread's CPU), and drives Debian's Chromium
with Playwright. A move is a key press on the focused Timeline slider. Per move: "script", the fragment's run on
the server (engine call included: the server side of input to redraw); "page", new_session to script_finished as
the page stamps them (its main thread shares the cores, so a page still drawing inflates it); "cpu", what the
server and its engine processes spent from the key press until the move was drawn (10 ms ticks). Live: the
tutorial's run after Step epoch (1,000 steps); Compare: a stored 200-step momentum run opened with ?run=ID, in the
same fresh server after the Live moves. The first move comes --settle s after the panel was drawn (cold: the first
in that session); the rest are warm.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
INSPECTOR = "() => { const e = document.querySelector('.st-key-step_inspector'); return e ? e.innerText : ''; }"
KEYS = ("Home", "ArrowRight", "End", "ArrowLeft", "PageDown", "ArrowRight")  # a walk over the Timeline


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


RUNS_ENV = "BENCH_TIMELINE_RUNS"  # where the served dashboard writes each script run's time (serve_timed)


def serve_timed() -> None:
    """Run `streamlit run …` (the arguments after --serve) with each script run's wall and thread CPU time, from
    its start to its end on the script thread, appended to the file RUNS_ENV names: "fragment|full wall_ms cpu_ms"."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web.cli import main as streamlit_main

    runs = open(os.environ[RUNS_ENV], "a", buffering=1)  # noqa: SIM115 - open while the server runs
    run_script = script_runner.ScriptRunner._run_script

    def timed(self, rerun_data):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return run_script(self, rerun_data)
        finally:
            kind = "fragment" if rerun_data.fragment_id_queue else "full"
            wall, cpu = (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000
            runs.write(f"{kind} {wall:.2f} {cpu:.2f}\n")

    script_runner.ScriptRunner._run_script = timed
    sys.argv = ["streamlit", *sys.argv[sys.argv.index("--serve") + 1 :]]
    streamlit_main()


def script_runs(path: Path) -> list[tuple[str, float, float]]:
    """The script runs the served dashboard has made so far: kind, wall ms, thread CPU ms."""
    if not path.exists():
        return []
    return [
        (kind, float(wall), float(cpu))
        for kind, wall, cpu in (line.split() for line in path.read_text().split("\n") if line)
    ]


def start_server(db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """The dashboard, headless, with its own run store, its script runs timed (serve_timed); its URL once healthy."""
    port = free_port()
    command = [sys.executable, __file__, "--serve", "run", "dashboard.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    env = {**os.environ, "TAPESTREAM_DB": str(db), RUNS_ENV: str(log.with_suffix(".runs"))}
    process = subprocess.Popen(command, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("bench_timeline: the dashboard did not start")


def tree_cpu_ms(root: int) -> float:
    """CPU time (user + system) of a process and every process under it (the engines), in ms."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents, cpu = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) * 1000 / ticks
    under = {root}
    for _ in range(4):  # the engines are children of the server (their own children, if any, one level further)
        under |= {pid for pid, parent in parents.items() if parent in under}
    return sum(cpu.get(pid, 0.0) for pid in under)


def stored_run(db: Path) -> int:
    """A 200-step momentum run, trained and saved: its id."""
    from core.regression.config import RegressionConfig
    from core.regression.trainer import Trainer
    from core.store.run_saving import save_trainer
    from core.store.run_store import RunStore

    trainer = Trainer(RegressionConfig(n_samples=100, epochs=2, optimizer="momentum"), backend="compiled")
    trainer.run()
    with RunStore(db) as store:
        return save_trainer(trainer, store=store, name="bench-timeline")


# Stamp every websocket message as the page receives it (performance.now), keeping its bytes to decode here:
# Playwright's own frame events reach Python in batches, which blurs a 10 ms move.
STAMP_JS = """
(() => {
  const Native = window.WebSocket;
  window.__frames = [];
  window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener("message", (event) => {
      if (!(event.data instanceof ArrayBuffer) || event.data.byteLength > 65536) return;
      const bytes = new Uint8Array(event.data);
      let text = "";
      for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
      window.__frames.push([performance.now(), btoa(text)]);
    });
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, Native);
})();
"""


class Frames:
    """The websocket's ForwardMsg kinds with the time (ms, the page's clock) each arrived."""

    def __init__(self, page) -> None:
        self.page = page
        page.add_init_script(STAMP_JS)

    def since(self, start: int) -> list[tuple[float, str]]:
        import base64

        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        kinds = []
        for stamp, data in self.page.evaluate(f"() => (window.__frames || []).slice({start})"):
            message = ForwardMsg()
            message.ParseFromString(base64.b64decode(data))
            kinds.append((stamp, message.WhichOneof("type") or ""))
        return kinds

    def count(self) -> int:
        return self.page.evaluate("() => (window.__frames || []).length")

    def server_ms(self, start: int) -> float | None:
        """new_session to script_finished of the first rerun after message `start`, in ms."""
        began = None
        for stamp, kind in self.since(start):
            if kind == "new_session":
                began = stamp
            elif kind == "script_finished" and began is not None:
                return stamp - began
        return None


def moves(page, frames: Frames, count: int, server: int, runs: Path, settle_s: float) -> dict[str, list[float]]:
    """Press count keys on the Timeline, one at a time, each waited for. For each move: "page", new_session to
    script_finished as the page stamps them (its main thread shares the cores, so a busy page inflates it);
    "script" and "script_cpu", the fragment's run on the server's script thread (wall and that thread's CPU); and
    "cpu", what the server and its engines spent from the key press until the move was drawn (10 ms ticks)."""
    measured: dict[str, list[float]] = {"page": [], "script": [], "script_cpu": [], "cpu": []}
    for i in range(count):
        page.wait_for_timeout(settle_s * 1000 if i == 0 else 700)  # the page drawn, then a move
        since, runs_before = frames.count(), len(script_runs(runs))
        cpu_before = tree_cpu_ms(server)
        before = page.evaluate(INSPECTOR)
        page.get_by_role("slider", name="Timeline").focus()
        page.keyboard.press(KEYS[i % len(KEYS)])
        page.wait_for_function(f"() => ({INSPECTOR})() !== {json.dumps(before)}", timeout=60_000)
        deadline = time.time() + 30
        while (ms := frames.server_ms(since)) is None and time.time() < deadline:
            page.wait_for_timeout(20)
        measured["cpu"].append(tree_cpu_ms(server) - cpu_before)
        fragment_runs = [run for run in script_runs(runs)[runs_before:] if run[0] == "fragment"]
        if ms is not None and fragment_runs:
            measured["page"].append(ms)
            measured["script"].append(fragment_runs[0][1])
            measured["script_cpu"].append(fragment_runs[0][2])
    return measured


def summary(name: str, measured: dict[str, list[float]]) -> dict[str, Any]:
    """First move and the later moves' median (and max) of each measure."""
    result: dict[str, Any] = {}
    for measure, values in measured.items():
        later = values[1:] or values
        result[f"{name}_{measure}_first_ms"] = values[0]
        result[f"{name}_{measure}_later_median_ms"] = statistics.median(later)
        result[f"{name}_{measure}_later_max_ms"] = max(later)
        result[f"{name}_{measure}_all_ms"] = [round(value, 1) for value in values]
    return result


def bench(count: int, settle_s: float) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "runs.sqlite3"
        run_id = stored_run(db)
        process, url = start_server(db, Path(folder) / "streamlit.log")
        runs = Path(folder) / "streamlit.runs"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1100})
                page.set_default_timeout(120_000)
                frames = Frames(page)
                page.goto(f"{url}/Live_Regression")
                page.wait_for_selector(".st-key-trace_chart .js-plotly-plot")
                page.get_by_role("button", name="Step epoch").click()
                page.wait_for_function(f"() => ({INSPECTOR})().includes('Step 1,000 ')")
                result = summary("live", moves(page, frames, count, process.pid, runs, settle_s))
                page.goto(f"{url}/Compare_Runs?run={run_id}")
                page.wait_for_selector(".st-key-stored_data_chart .js-plotly-plot")
                page.wait_for_function(f"() => ({INSPECTOR})().includes('Step 200 ')")
                result.update(summary("compare", moves(page, frames, count, process.pid, runs, settle_s)))
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=20)
    return result


def main() -> None:
    if "--serve" in sys.argv:
        serve_timed()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=12)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--settle", type=float, default=0.7, help="seconds from the panel drawn to the first move")
    args = parser.parse_args()
    if args.moves < 2:
        parser.exit(2, "bench_timeline: --moves must be at least 2\n")
    result = {**bench(args.moves, args.settle), "settle_s": args.settle, "load_average": os.getloadavg()[0]}
    if not args.json:
        for key, value in result.items():
            print(f"{key}: {value:.1f}" if isinstance(value, float) else f"{key}: {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
