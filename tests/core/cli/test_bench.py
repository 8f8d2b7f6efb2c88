"""``python -m core bench``: eager against compiled, a million steps and the engine round trip, as JSON numbers."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from core.cli.bench import cmd_bench, register, timed_run
from core.regression.config import RegressionConfig

ROOT = Path(__file__).resolve().parents[3]


def run_cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def test_bench_json_has_every_key_on_the_last_line() -> None:
    result = run_cli("bench", "--json", "--no-client", timeout=600)
    assert result.returncode == 0, result.stderr
    numbers = json.loads(result.stdout.strip().splitlines()[-1])
    expected = {"eager_steps_per_s", "compiled_steps_per_s", "speedup", "max_abs_diff", "compile_s"}
    expected |= {"eager_run_only_steps_per_s", "compiled_run_only_steps_per_s", "speedup_run_only"}
    expected |= {"million_steps_s", "million_steps_first_s", "peak_rss_mb"}
    expected |= {"million_steps_cold_s", "million_steps_cold_train_s", "million_steps_cold_rss_mb"}
    assert expected <= set(numbers)
    assert "client_step20_median_ms" not in numbers  # --no-client
    assert numbers["max_abs_diff"] <= 1e-6 and numbers["speedup"] > 1
    # the cold figure is the whole process's wall time, which holds the child's own timed run
    assert numbers["million_steps_cold_s"] > numbers["million_steps_cold_train_s"] > 0
    assert numbers["million_steps_s"] > 0 and numbers["million_steps_first_s"] > 0


def test_register_adds_the_bench_subcommand_and_its_flags() -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["bench", "--json", "--no-client"])
    assert args.handler is cmd_bench and args.json and args.no_client
    plain = parser.parse_args(["bench"])
    assert not plain.json and not plain.no_client


def test_timed_run_times_construction_and_run_apart_and_counts_both_in_the_total() -> None:
    for backend in ("eager", "compiled"):
        run = timed_run(RegressionConfig(n_samples=10, epochs=1), backend)
        assert len(run.trace) == 11 and run.trace["step"].iloc[-1] == 10
        assert run.build_s > 0 and run.run_s > 0 and run.total_s == run.build_s + run.run_s
