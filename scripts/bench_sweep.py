"""Time a 100-run sweep of the default 2,000-step config against one single run, each as a whole process."""

from __future__ import annotations

import argparse
import json
import statistics

from process_timing import alternate

LEARNING_RATES = "0.001,0.002,0.005,0.01,0.02,0.03,0.05,0.1,0.2,0.3"
SEEDS = "0,1,2,3,4,5,6,7,8,9"
SWEEP = ["sweep", "--lr", LEARNING_RATES, "--seeds", SEEDS, "--json"]
SINGLE = ["train"]
TARGET_RATIO = 3.0


def main(argv: list[str] | None = None) -> int:
    """Run both commands `--repeats` times, alternating, and print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command (the median is reported)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    args = parser.parse_args(argv)
    sweep_times, outputs, single_times = alternate(SWEEP, SINGLE, max(1, args.repeats))
    runs = json.loads(outputs[-1].strip().splitlines()[-1])["runs"]
    sweep_s, single_s = statistics.median(sweep_times), statistics.median(single_times)
    ratio = sweep_s / single_s
    print(f"single run (python -m core train, 2,000 steps): {single_s:.2f} s (median of {len(single_times)})")
    print(f"sweep of {len(runs)} runs (python -m core sweep, 10 lrs x 10 seeds): {sweep_s:.2f} s")
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(f"ratio sweep / single: {ratio:.2f} (target <= {TARGET_RATIO:g}): {verdict}")
    if args.json:
        print(json.dumps({"single_s": single_s, "sweep_s": sweep_s, "ratio": ratio, "runs": len(runs)}))
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
