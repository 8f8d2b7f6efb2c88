"""Live tick rate alone, during a long sweep in the task engine, and during one in the live engine (the old way)."""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import sys
import tempfile
import threading
import time
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from core.engine.client import EngineClient  # noqa: E402
from core.regression.config import RegressionConfig  # noqa: E402

TICK_BUDGET_S = 0.05  # the live page's MAX_TICK_SECONDS


def sweep_payload(db_path: str, epochs: int) -> dict[str, Any]:
    """20 runs of 1,000 per-sample steps an epoch, saved in full: a long task like the Compare page's sweeps."""
    return {
        "base": {"n_samples": 1000, "epochs": epochs},
        "values": {"learning_rate": [0.001, 0.002, 0.005, 0.01], "seed": [0, 1, 2, 3, 4]},
        "name": "bench-fairness",
        "db_path": db_path,
    }


def tick_while(client: EngineClient, handle: int, steps: int, keep_going: Any) -> dict[str, float]:
    """Tick back to back while keep_going() holds; returns ticks/s, tick latency median/p95/max (ms), steps/s."""
    times: list[float] = []
    made = 0
    started = time.perf_counter()
    while keep_going():
        before = time.perf_counter()
        made += client.tick(handle, steps, max_seconds=TICK_BUDGET_S)["made"]
        times.append(time.perf_counter() - before)
    seconds = time.perf_counter() - started
    times.sort()
    if not times:
        return {"ticks": 0, "seconds": seconds, "ticks_per_s": 0.0}
    return {
        "ticks": len(times),
        "seconds": seconds,
        "ticks_per_s": len(times) / seconds,
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(0.95 * (len(times) - 1))] * 1000,
        "max_ms": times[-1] * 1000,
        "steps_per_s": made / seconds,
    }


def during_sweep(client: EngineClient, handle: int, steps: int, run_sweep: Any) -> dict[str, float]:
    """Tick while another thread runs run_sweep(); the numbers cover only the time the sweep ran."""
    finished = threading.Event()
    outcome: list[Any] = []

    def sweep() -> None:
        began = time.perf_counter()
        try:
            outcome.append(run_sweep())
        except Exception as error:  # reported, not raised: the measurement is what matters here
            outcome.append(error)
        outcome.append(time.perf_counter() - began)
        finished.set()

    thread = threading.Thread(target=sweep)
    thread.start()
    time.sleep(0.2)  # let the sweep's request reach its engine
    result = tick_while(client, handle, steps, lambda: not finished.is_set())
    thread.join()
    if isinstance(outcome[0], Exception):
        raise SystemExit(f"the sweep failed: {outcome[0]}")
    return {**result, "sweep_s": outcome[1]}


def main(argv: list[str] | None = None) -> int:
    """Measure the three cases and print them (and one JSON object on the last line with --json)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=500, help="steps asked of each tick (default 500)")
    parser.add_argument("--alone-s", type=float, default=5.0, help="seconds to tick with nothing else running")
    parser.add_argument("--epochs", type=int, default=100, help="epochs of each of the sweep's 20 runs")
    parser.add_argument("--skip-shared", action="store_true", help="skip the sweep run inside the live engine")
    parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    args = parser.parse_args(argv)
    client = EngineClient(pool_size=1)
    results: dict[str, Any] = {"steps_per_tick": args.steps, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="bench-fairness-") as folder:
        payload = sweep_payload(str(pathlib.Path(folder) / "runs.sqlite3"), args.epochs)
        try:
            handle = client.open(RegressionConfig(epochs=10_000))
            client.task("card_listing", {})  # start the task engine, so the sweep's time is the sweep's
            tick_while(client, handle, args.steps, _for_seconds(1.0))  # warm: compile the chunk shapes
            results["alone"] = tick_while(client, handle, args.steps, _for_seconds(args.alone_s))
            results["sweep_in_task_engine"] = during_sweep(
                client, handle, args.steps, lambda: client.task("sweep", payload, timeout=600)
            )
            if not args.skip_shared:
                shared = client.workers[0]  # the live engine: how every sweep ran before the task engines
                results["sweep_in_live_engine"] = during_sweep(
                    client,
                    handle,
                    args.steps,
                    lambda: shared.call("task", {"name": "sweep", "payload": payload}, 600, wait=600),
                )
        finally:
            client.shutdown()
    for case in ("alone", "sweep_in_task_engine", "sweep_in_live_engine"):
        if case in results:
            print(_line(case, results[case]))
    if args.json:
        print(json.dumps(results))
    return 0


def _for_seconds(seconds: float) -> Any:
    deadline = time.perf_counter() + seconds
    return lambda: time.perf_counter() < deadline


def _line(case: str, result: dict[str, float]) -> str:
    if not result["ticks"]:
        return f"{case:>22}: no tick finished in {result['seconds']:.1f} s"
    text = (
        f"{case:>22}: {result['ticks_per_s']:7.1f} ticks/s over {result['seconds']:.1f} s, tick median "
        f"{result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, max {result['max_ms']:.0f} ms, "
        f"{result['steps_per_s']:,.0f} steps/s"
    )
    return text + (f" (sweep took {result['sweep_s']:.1f} s)" if "sweep_s" in result else "")


if __name__ == "__main__":
    raise SystemExit(main())
