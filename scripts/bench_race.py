"""Race benchmark: the engine's time per live tick for 1 lane and 8 lanes, and the payload per update they make.

Usage: python scripts/bench_race.py [--ticks 300] [--steps 16] [--json]

Everything runs in this process on a core.engine.process.Engine (no pipe): a single run's tick (today's path)
against races of 1 and 8 lanes, each tick advancing `--steps` steps (16 = the default 200 steps/s at the
80 ms tick) and then building the view with only the new rows, as the live page asks for it. Warm figures are
medians over --ticks ticks after a warm-up; cold is the first tick of a fresh race (tracing and XLA compiles
included). Payload: the JSON bytes of a tick's chart feed (the new rows packed as the live_feed sends them,
plus the lanes' summaries), before the page's per-chart parts, for 1 and 8 lanes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from core.engine.process import Engine
from core.race.presets import RACE_PRESETS
from core.regression.config import RegressionConfig
from ui.live import frame_deltas

EIGHT_LANES = [{"overrides": {"learning_rate": rate}} for rate in (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)]


def mixed_lanes(base: RegressionConfig) -> list[dict]:
    """The Optimizers preset plus two learning rates: 8 lanes in 6 (optimizer, loss, batch) groups."""
    _, lanes = RACE_PRESETS["Optimizers"](base)
    return [{"overrides": lane} for lane in lanes] + [
        {"overrides": {"learning_rate": 0.1}},
        {"overrides": {"optimizer": "adam", "learning_rate": 0.1}},
    ]


def timed_ticks(tick, ticks: int) -> tuple[float, float, list[dict]]:
    """(first tick's seconds, median warm seconds, the views)."""
    started = time.perf_counter()
    views = [tick()]
    cold = time.perf_counter() - started
    for _ in range(20):
        views.append(tick())
    times = []
    for _ in range(ticks):
        started = time.perf_counter()
        views.append(tick())
        times.append(time.perf_counter() - started)
    return cold, statistics.median(times), views


def payload_bytes(view: dict) -> int:
    """The bytes of a tick's feed rows and lane summaries as JSON (what grows with the lanes)."""
    columns = frame_deltas.columns(view["new"])
    lanes = [{k: v for k, v in lane.items() if k not in ("events", "message")} for lane in view.get("lanes", [])]
    return len(json.dumps({"columns": columns, "lanes": lanes}, default=float).encode())


def bench(ticks: int, steps: int) -> dict:
    base = RegressionConfig(epochs=10_000)
    engine = Engine()
    results = {}
    single = engine.open(base.to_dict())
    since = [None]

    def single_tick() -> dict:
        view = engine.tick(single, steps, 5.0, **({"since": since[0]} if since[0] else {}))
        since[0] = (view["stream"], view["steps_done"])
        return view

    cold, warm, views = timed_ticks(single_tick, ticks)
    results["single_run"] = {"cold_s": cold, "warm_ms": warm * 1e3, "payload_bytes": payload_bytes(views[-1])}
    for name, lanes in (
        ("race_1_lane", [{"overrides": {}}]),
        ("race_8_lanes_one_group", EIGHT_LANES),
        ("race_8_lanes_6_groups", mixed_lanes(base)),
    ):
        handle = engine.open_race(base.to_dict(), lanes)
        since = [None]

        def race_tick(handle=handle, since=since) -> dict:
            payload = {"n": steps, "max_seconds": 5.0, **({"since": since[0]} if since[0] else {})}
            view = engine.race(handle, "tick", payload)
            since[0] = (view["stream"], view["steps_done"])
            return view

        cold, warm, views = timed_ticks(race_tick, ticks)
        results[name] = {"cold_s": cold, "warm_ms": warm * 1e3, "payload_bytes": payload_bytes(views[-1])}
    one = results["race_1_lane"]
    for name in ("race_8_lanes_one_group", "race_8_lanes_6_groups"):
        results[name]["time_vs_1_lane"] = results[name]["warm_ms"] / one["warm_ms"]
        results[name]["payload_vs_1_lane"] = results[name]["payload_bytes"] / one["payload_bytes"]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=300)
    parser.add_argument("--steps", type=int, default=16)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not 1 <= args.ticks <= 100_000 or not 1 <= args.steps <= 1_000_000:
        parser.exit(2, "bench_race: --ticks must be 1 to 100,000 and --steps 1 to 1,000,000\n")
    results = bench(args.ticks, args.steps)
    for name, row in results.items():
        print(f"{name:26s} " + "  ".join(f"{key}={value:.3g}" for key, value in row.items()))
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
