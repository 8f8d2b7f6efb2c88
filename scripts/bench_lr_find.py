"""Time `python -m core lr-find` (64 learning rates) against one default `python -m core train`, as whole processes.

Both are cold: each run is a fresh process (start, import TensorFlow, data, trace, XLA compile, train). The target
is lr-find ≤ 2× train. Run from the repository root: `python scripts/bench_lr_find.py [--repeats 3] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import statistics

from process_timing import alternate

LR_FIND = ["lr-find", "--json"]
TRAIN = ["train"]
TARGET_RATIO = 2.0


def main(argv: list[str] | None = None) -> int:
    """Run both commands `--repeats` times, alternating, and print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command (the median is reported)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    finds, outputs, trains = alternate(LR_FIND, TRAIN, args.repeats)
    inside = [json.loads(output.strip().splitlines()[-1])["seconds"] for output in outputs]
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
