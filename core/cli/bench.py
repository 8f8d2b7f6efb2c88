"""The ``python -m core bench`` command: eager vs compiled, a million steps, and the engine round trip."""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

from core.regression.config import RegressionConfig

Log = Callable[[str], None]
MILLION_CONFIG = RegressionConfig(n_samples=1_000_000, epochs=1)


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def bench_backends(log: Log) -> dict[str, float]:
    """Default config: eager against warm compiled, their largest |Δw|, |Δb|, and the compile time."""
    from core.regression.trainer import Trainer

    config = RegressionConfig()
    eager_s, eager_trace = _timed(lambda: Trainer(config, "eager").run())
    steps = config.total_steps
    first_s, _ = _timed(lambda: Trainer(config, "compiled").run())
    warm_runs = []
    for _ in range(20):
        trainer = Trainer(config, "compiled")
        seconds, compiled_trace = _timed(trainer.run)
        warm_runs.append(seconds)
    compiled_s = statistics.median(warm_runs)
    diff = (eager_trace[["w", "b"]] - compiled_trace[["w", "b"]]).abs().to_numpy().max()
    results = {
        "eager_steps_per_s": steps / eager_s,
        "compiled_steps_per_s": steps / compiled_s,
        "speedup": eager_s / compiled_s,
        "max_abs_diff": float(diff),
        "compile_s": max(0.0, first_s - compiled_s),
    }
    log(
        f"default config, {steps} steps: eager {results['eager_steps_per_s']:,.0f} steps/s, compiled (warm, median "
        f"of 20) {results['compiled_steps_per_s']:,.0f} steps/s, speedup {results['speedup']:,.0f}x, "
        f"max |diff| {diff:.2e}, compile {results['compile_s']:.2f} s"
    )
    return results


def bench_million(log: Log) -> dict[str, float]:
    """A 1,000,000-sample, 1-epoch per-sample run on the compiled backend, cold (data, compile and all)."""
    from core.regression.trainer import Trainer

    seconds, trainer = _timed(lambda: _run(Trainer(MILLION_CONFIG, "compiled")))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log(
        f"1M per-sample steps (compiled, incl. data and XLA compile): {seconds:.3f} s, final w={trainer.w:.4f} "
        f"b={trainer.b:.4f}, peak RSS {peak_mb:.0f} MB"
    )
    return {"million_steps_s": seconds, "peak_rss_mb": peak_mb}


def _run(trainer: Any) -> Any:
    trainer.run()
    return trainer


def bench_client(log: Log, rounds: int = 300) -> dict[str, float]:
    """Round trips through the engine process: median and p95 of step(handle, 20), warm."""
    from core.engine.client import EngineClient

    client = EngineClient()
    try:
        handle = client.open(RegressionConfig(epochs=10_000))
        for _ in range(20):
            client.step(handle, 20)
        times = []
        for _ in range(rounds):
            seconds, _ = _timed(lambda: client.step(handle, 20))
            times.append(seconds * 1000)
        client.close(handle)
    finally:
        client.shutdown()
    times.sort()
    results = {"client_step20_median_ms": statistics.median(times), "client_step20_p95_ms": times[int(0.95 * rounds)]}
    log(
        f"engine client step(handle, 20): median {results['client_step20_median_ms']:.2f} ms, "
        f"p95 {results['client_step20_p95_ms']:.2f} ms over {rounds} warm round trips"
    )
    return results


def run_benchmarks(client: bool = True, log: Log = print) -> dict[str, float]:
    """All benchmarks in one process; returns the numbers by key."""
    results = bench_backends(log)
    results.update(bench_million(log))
    if client:
        results.update(bench_client(log))
    return results


def cmd_bench(args: argparse.Namespace) -> int:
    """Benchmark the backends (and the engine client) and print the numbers."""
    results = run_benchmarks(client=not args.no_client, log=print)
    if args.json:
        print(json.dumps(results))
    return 0


def register(commands: Any) -> None:
    """Add the ``bench`` sub-command to the CLI's sub-parsers."""
    bench = commands.add_parser("bench", help="time eager vs compiled, 1M steps, and the engine client")
    bench.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    bench.add_argument("--no-client", action="store_true", help="skip the engine-process round trip")
    bench.set_defaults(handler=cmd_bench)
