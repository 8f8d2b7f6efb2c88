"""Benchmark: inspect any step of a 10,000,000-step run (target: within 200 ms), and what the checkpoints cost.

Run: ``python scripts/bench_inspect.py [--json] [--optimizer adam]``. Through the engine client (a real engine
process, as the Live page calls it), each in a fresh engine process: the first inspect of the 10M-step run once
it exists (cold: the first inspect in that process; the replay was compiled in the background while it trained,
core.regression.step_warmup), then warm inspects of random steps (median, p95, max); and the worst case, an
inspect straight after opening a run and making 1,000 steps (the warm-up may still be compiling). In this
process: the 10M-step run's training time with checkpoints every K steps against one with chunks as long as
before (K = 2^20), alternating, best of 3 each, and the checkpoints kept.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.engine.client import EngineClient  # noqa: E402
from core.regression.config import RegressionConfig  # noqa: E402

WARM_INSPECTS = 50


def through_engine(config: RegressionConfig) -> dict[str, float]:
    """Open and run the config in a fresh engine process, then time its first inspect (cold) and warm inspects."""
    import numpy as np

    client = EngineClient(timeout=600)
    try:
        handle = client.open(config)
        while client.advance(handle, 10_000_000, max_seconds=10.0):
            pass
        total = client.state(handle)["steps_done"]
        rng = np.random.default_rng(0)
        cold = timed(lambda: client.inspect(handle, int(rng.integers(1, total + 1))))
        steps = [int(k) for k in rng.integers(1, total + 1, WARM_INSPECTS)]
        times = sorted(timed(lambda k=k: client.inspect(handle, k)) for k in steps)
        return {
            "steps": total,
            "inspect_first_ms": cold * 1000,
            "inspect_warm_median_ms": statistics.median(times) * 1000,
            "inspect_warm_p95_ms": times[int(0.95 * len(times)) - 1] * 1000,
            "inspect_warm_max_ms": times[-1] * 1000,
        }
    finally:
        client.shutdown()


def right_after_open(config: RegressionConfig, steps: int = 1000) -> dict[str, float]:
    """The worst case: a fresh engine, the run opened, a few steps made, and inspected at once (the replay's
    warm-up, started by open, may still be compiling): the first inspect and the next."""
    client = EngineClient(timeout=600)
    try:
        client.stats()  # the engine process is up (its start is not an inspect's cost)
        handle = client.open(config)
        client.advance(handle, steps, max_seconds=10.0)
        first = timed(lambda: client.inspect(handle, steps // 2))
        second = timed(lambda: client.inspect(handle, steps - 1))
        return {"inspect_right_after_open_first_ms": first * 1000, "inspect_right_after_open_next_ms": second * 1000}
    finally:
        client.shutdown()


def timed(call) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def training_cost(config: RegressionConfig) -> dict[str, float]:
    """The 10M-step run in this process: with checkpoints every K steps, and with chunks as long as before."""
    from core.regression import step_checkpoints
    from core.regression.trainer import Trainer

    def timed_run() -> tuple[float, int]:
        trainer = Trainer(config, backend="compiled")
        trainer.step(1)  # trace and compile outside the timing
        started = time.perf_counter()
        trainer.run()
        return time.perf_counter() - started, len(trainer.checkpoints)

    interval = step_checkpoints.checkpoint_interval
    with_checkpoints, long_chunks, kept = [], [], 0

    def long(backend: str, batch_size: int) -> int:
        return 1 << 20

    try:
        for _ in range(4):  # alternating, the first round only warms every chunk shape
            step_checkpoints.checkpoint_interval = interval
            seconds, kept = timed_run()
            with_checkpoints.append(seconds)
            step_checkpoints.checkpoint_interval = long
            long_chunks.append(timed_run()[0])
    finally:
        step_checkpoints.checkpoint_interval = interval
    with_checkpoints, long_chunks = min(with_checkpoints[1:]), min(long_chunks[1:])
    return {
        "train_s_with_checkpoints": with_checkpoints,
        "train_s_long_chunks": long_chunks,
        "checkpoints": kept,
        "interval": interval("compiled", config.batch_size),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--optimizer", default="adam")
    parser.add_argument("--no-training-cost", action="store_true")
    args = parser.parse_args()
    config = RegressionConfig(n_samples=1000, epochs=10_000, optimizer=args.optimizer)
    result = {"optimizer": args.optimizer, **through_engine(config), **right_after_open(config)}
    if not args.no_training_cost:
        result.update(training_cost(config))
    if not args.json:
        for key, value in result.items():
            print(f"{key}: {value:.2f}" if isinstance(value, float) else f"{key}: {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
