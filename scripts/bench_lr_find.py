"""Time `python -m core lr-find` (64 learning rates) against one default `python -m core train`, as whole processes.

Both are cold: each run is a fresh process (start, import TensorFlow, data, trace, XLA compile, train). The target
is lr-find ≤ 2× train. Run from the repository root: `python scripts/bench_lr_find.py [--repeats 3] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
LR_FIND = ["lr-find", "--json"]
TRAIN = ["train"]
TARGET_RATIO = 2.0


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


def main(argv: list[str] | None = None) -> int:
    """Run both commands `--repeats` times, alternating, and print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command (the median is reported)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    finds, trains, inside = [], [], []
    for _ in range(args.repeats):
        seconds, output = timed_process(LR_FIND)
        finds.append(seconds)
        inside.append(json.loads(output.strip().splitlines()[-1])["seconds"])
        trains.append(timed_process(TRAIN)[0])
    result = {
        "lr_find_process_s": round(statistics.median(finds), 3),
        "train_process_s": round(statistics.median(trains), 3),
        "ratio": round(statistics.median(finds) / statistics.median(trains), 3),
        "target_ratio": TARGET_RATIO,
        "lr_find_in_process_s": round(statistics.median(inside), 3),
        "repeats": args.repeats,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"lr-find process {result['lr_find_process_s']:.2f} s (the test itself "
            f"{result['lr_find_in_process_s']:.2f} s) vs train process {result['train_process_s']:.2f} s: "
            f"{result['ratio']:.2f}× (target ≤ {TARGET_RATIO}×)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
