"""Race benchmark: the engine's time per live tick for 1 lane and 8 lanes, and the payload per update they make.

Usage: python scripts/bench_race.py [--ticks 300] [--steps 16] [--json]

Everything runs in this process on a core.engine.process.Engine (no pipe): a single run's tick (today's path)
against races of 1 and 8 lanes, each tick advancing `--steps` steps (16 = the default 200 steps/s at the
80 ms tick) and then building the view with only the new rows, as the live page asks for it. Warm figures are
medians over --ticks ticks after a warm-up, the kinds taking turns tick by tick (fair on a shared machine);
cold is each kind's first tick in this process (tracing and the XLA compile of its layout of groups; the single
run goes first, so TensorFlow's own start-up is in its figure). Payload: the JSON bytes of a tick's chart feed
(the new rows packed as the live_feed sends them, plus the lanes' summaries), before the page's per-chart parts,
for 1 and 8 lanes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.engine.process import Engine  # noqa: E402
from core.race.presets import RACE_PRESETS  # noqa: E402
from core.regression.config import RegressionConfig  # noqa: E402
from ui.live import frame_deltas

EIGHT_LANES = [{"overrides": {"learning_rate": rate}} for rate in (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)]


def mixed_lanes(base: RegressionConfig) -> list[dict]:
    """The Optimizers preset plus two learning rates: 8 lanes in 6 (optimizer, loss, batch) groups."""
    _, lanes = RACE_PRESETS["Optimizers"](base)
    return [{"overrides": lane} for lane in lanes] + [
        {"overrides": {"learning_rate": 0.1}},
        {"overrides": {"optimizer": "adam", "learning_rate": 0.1}},
    ]


def timed_ticks(ticks_by_name: dict[str, Callable[[], dict]], ticks: int) -> dict[str, tuple[float, float, dict]]:
    """Per name: (first tick's seconds, median warm seconds, the last view).

    The warm ticks take turns (one tick of each, round after round), so a machine shared with other work slows
    every kind alike and the ratios between them stay fair.
    """
    colds, views = {}, {}
    for name, tick in ticks_by_name.items():
        started = time.perf_counter()
        views[name] = tick()
        colds[name] = time.perf_counter() - started
        for _ in range(20):
            views[name] = tick()
    times: dict[str, list[float]] = {name: [] for name in ticks_by_name}
    for _ in range(ticks):
        for name, tick in ticks_by_name.items():
            started = time.perf_counter()
            views[name] = tick()
            times[name].append(time.perf_counter() - started)
    return {name: (colds[name], statistics.median(times[name]), views[name]) for name in ticks_by_name}


def payload_bytes(view: dict) -> int:
    """The bytes of a tick's feed rows and lane summaries as JSON (what grows with the lanes)."""
    columns = frame_deltas.columns(view["new"])
    lanes = [{k: v for k, v in lane.items() if k not in ("events", "message")} for lane in view.get("lanes", [])]
    return len(json.dumps({"columns": columns, "lanes": lanes}, default=float).encode())


def single_ticker(engine: Engine, base: RegressionConfig, steps: int) -> Callable[[], dict]:
    """A single run's live tick (today's path), asking for the rows after the last one it drew."""
    handle = engine.open(base.to_dict())
    since: list = [None]

    def tick() -> dict:
        view = engine.tick(handle, steps, 5.0, **({"since": since[0]} if since[0] else {}))
        since[0] = (view["stream"], view["steps_done"])
        return view

    return tick


def race_ticker(engine: Engine, base: RegressionConfig, lanes: list[dict], steps: int) -> Callable[[], dict]:
    """A race's live tick, asking for every lane's rows after the last step it drew."""
    handle = engine.open_race(base.to_dict(), lanes)
    since: list = [None]

    def tick() -> dict:
        payload = {"n": steps, "max_seconds": 5.0, **({"since": since[0]} if since[0] else {})}
        view = engine.race(handle, "tick", payload)
        since[0] = (view["stream"], view["steps_done"])
        return view

    return tick


def bench(ticks: int, steps: int) -> dict:
    base = RegressionConfig(epochs=10_000)
    engine = Engine()
    tickers = {"single_run": single_ticker(engine, base, steps)}
    for name, lanes in (
        ("race_1_lane", [{"overrides": {}}]),
        ("race_8_lanes_one_group", EIGHT_LANES),
        ("race_8_lanes_6_groups", mixed_lanes(base)),
    ):
        tickers[name] = race_ticker(engine, base, lanes, steps)
    results = {
        name: {"cold_s": cold, "warm_ms": warm * 1e3, "payload_bytes": payload_bytes(view)}
        for name, (cold, warm, view) in timed_ticks(tickers, ticks).items()
    }
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
