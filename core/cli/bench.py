"""The ``python -m core bench`` command: eager vs compiled, a million steps, and the engine round trip."""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from core.regression.config import RegressionConfig
from core.regression.fields import FLAGS

Log = Callable[[str], None]
MILLION_CONFIG = RegressionConfig(n_samples=1_000_000, epochs=1)


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def _run(trainer: Any) -> Any:
    trainer.run()
    return trainer


class TimedRun(NamedTuple):
    """One default-config run: seconds to build the Trainer (data, initial loss), seconds to run it, its trace."""

    build_s: float
    run_s: float
    trace: Any

    @property
    def total_s(self) -> float:
        """Construction and run together: what the headline numbers use on both sides."""
        return self.build_s + self.run_s


def timed_run(config: RegressionConfig, backend: str) -> TimedRun:
    """Build a Trainer and run it to the end, timing the two parts separately."""
    from core.regression.trainer import Trainer

    build_s, trainer = _timed(lambda: Trainer(config, backend))
    run_s, trace = _timed(trainer.run)
    return TimedRun(build_s, run_s, trace)


def bench_backends(log: Log, warm_runs: int = 20, eager_runs: int = 3) -> dict[str, float]:
    """Default config: eager against warm compiled, their largest |Δw|, |Δb|, and the compile time.

    Both sides are timed the same way. The headline numbers (steps/s, speedup) count construction and run:
    from Trainer(config) (data, initial loss) to the finished trace. The *_run_only_* keys leave construction out
    on both sides. Eager is the median of eager_runs runs, compiled the median of warm_runs runs after a first run
    that traces and compiles (that first run's extra time is compile_s).
    """
    config = RegressionConfig()
    steps = config.total_steps
    eager = [timed_run(config, "eager") for _ in range(eager_runs)]
    first = timed_run(config, "compiled")
    warm = [timed_run(config, "compiled") for _ in range(warm_runs)]
    eager_s, compiled_s = (statistics.median(run.total_s for run in runs) for runs in (eager, warm))
    eager_run_s, compiled_run_s = (statistics.median(run.run_s for run in runs) for runs in (eager, warm))
    diff = (eager[-1].trace[["w", "b"]] - warm[-1].trace[["w", "b"]]).abs().to_numpy().max()
    results = {
        "eager_steps_per_s": steps / eager_s,
        "compiled_steps_per_s": steps / compiled_s,
        "speedup": eager_s / compiled_s,
        "eager_run_only_steps_per_s": steps / eager_run_s,
        "compiled_run_only_steps_per_s": steps / compiled_run_s,
        "speedup_run_only": eager_run_s / compiled_run_s,
        "max_abs_diff": float(diff),
        "compile_s": max(0.0, first.total_s - compiled_s),
    }
    log(
        f"default config, {steps} steps, Trainer construction inside the timer on both sides: eager (median of "
        f"{eager_runs}) {results['eager_steps_per_s']:,.0f} steps/s, compiled (warm, median of {warm_runs}) "
        f"{results['compiled_steps_per_s']:,.0f} steps/s, speedup {results['speedup']:,.0f}x; run only (construction "
        f"outside on both sides): eager {results['eager_run_only_steps_per_s']:,.0f}, compiled "
        f"{results['compiled_run_only_steps_per_s']:,.0f} steps/s, speedup {results['speedup_run_only']:,.0f}x; "
        f"max |diff| {diff:.2e}, compile {results['compile_s']:.2f} s"
    )
    return results


def bench_million(log: Log) -> dict[str, float]:
    """1,000,000 per-sample steps on the compiled backend, in this process: the first run and a warm one.

    Both include building the Trainer (1M samples of data). The first run also compiles the 2^20-step chunk
    (the trace of the (sgd, mse) step function already exists from bench_backends); the warm run compiles nothing.
    """
    from core.regression.trainer import Trainer

    first_s, _ = _timed(lambda: _run(Trainer(MILLION_CONFIG, "compiled")))
    seconds, trainer = _timed(lambda: _run(Trainer(MILLION_CONFIG, "compiled")))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log(
        f"1M per-sample steps (compiled, in this process, incl. data): warm {seconds:.3f} s, first (with the "
        f"chunk's XLA compile) {first_s:.3f} s, final w={trainer.w:.4f} b={trainer.b:.4f}, "
        f"peak RSS of this process {peak_mb:.0f} MB"
    )
    return {"million_steps_s": seconds, "million_steps_first_s": first_s, "peak_rss_mb": peak_mb}


def bench_million_cold(log: Log) -> dict[str, float]:
    """The same million steps as a whole fresh process: ``python -m core train --n-samples 1000000 --epochs 1``.

    The wall time covers everything: interpreter start, imports (TensorFlow included), data, trace, XLA compile,
    the run and the summary. The child's own seconds= (Trainer built to trace done) is reported beside it. Its
    peak RSS is the largest of this process's children so far (on Linux that includes the pages of this process
    at the fork), so run it before anything else.
    """
    flags = [text for field in ("n_samples", "epochs") for text in (FLAGS[field], str(getattr(MILLION_CONFIG, field)))]
    command = [sys.executable, "-m", "core", "train", *flags]
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    root = pathlib.Path(__file__).resolve().parents[2]
    wall_s, done = _timed(
        lambda: subprocess.run(command, cwd=root, env=environment, capture_output=True, text=True, timeout=600)
    )
    if done.returncode != 0:
        raise RuntimeError(f"the cold million-step process failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    summary = dict(part.split("=", 1) for part in done.stdout.strip().splitlines()[-1].split() if "=" in part)
    child_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    results = {
        "million_steps_cold_s": wall_s,
        "million_steps_cold_train_s": float(summary["seconds"]),
        "million_steps_cold_rss_mb": child_peak_mb,
    }
    log(
        f"1M per-sample steps as a fresh process (python -m core train, imports and all): {wall_s:.3f} s wall, "
        f"of which {results['million_steps_cold_train_s']:.3f} s from building the Trainer to the finished "
        f"trace (data, trace, compile, run); peak RSS {child_peak_mb:.0f} MB"
    )
    return results


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
    results = bench_million_cold(log)  # first: a child's peak RSS counts the parent's pages at the fork
    results.update(bench_backends(log))
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
