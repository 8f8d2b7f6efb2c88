"""Whole-process timing for the benches that race two `python -m core` commands (each run a fresh, cold process)."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def timed_process(arguments: list[str]) -> tuple[float, str]:
    """Seconds for `python -m core ARGS` from start to exit, and its stdout; exits if it fails."""
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "core", *arguments], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"python -m core {' '.join(arguments)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, done.stdout


def alternate(first: list[str], second: list[str], repeats: int) -> tuple[list[float], list[str], list[float]]:
    """Run the two commands repeats times, taking turns: the first's seconds and stdouts, the second's seconds."""
    first_seconds, first_outputs, second_seconds = [], [], []
    for _ in range(repeats):
        seconds, output = timed_process(first)
        first_seconds.append(seconds)
        first_outputs.append(output)
        second_seconds.append(timed_process(second)[0])
    return first_seconds, first_outputs, second_seconds
