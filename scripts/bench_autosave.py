"""Time a live run's autosave: re-save a 1M-point run after 1,000 more steps (``python scripts/bench_autosave.py``).

A real compiled Trainer (real TensorFlow) trains 1,000,000 steps and is saved once. Then, --repeats times, it takes
1,000 more steps and is saved again the way the engine saves it: open the store, save_trainer(run_id=...), close.
The timer covers exactly that save, on both sides: the append path (today's) and a whole-run replace (the old one).
Warm figures: the process, TensorFlow and the store file already exist.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import tempfile
import time


def main(argv: list[str] | None = None) -> int:
    """Print the median seconds of an appending save and of a whole-run save; exit 1 if appending misses 50 ms."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=1_000_000, help="steps before the timed saves (default 1M)")
    parser.add_argument("--more", type=int, default=1_000, help="steps added before each timed save (default 1,000)")
    parser.add_argument("--repeats", type=int, default=7, help="timed saves of each kind (default 7)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    from core.regression.config import RegressionConfig
    from core.regression.trainer import Trainer
    from core.store.run_saving import save_trainer
    from core.store.run_store import RunStore

    epochs = (args.points + 2 * args.repeats * args.more) // 1000 + 2
    trainer = Trainer(RegressionConfig(n_samples=1000, epochs=epochs), backend="compiled")
    trainer.step(args.points)
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "bench.sqlite3"
        with RunStore(path) as store:
            run_id = save_trainer(trainer, status="paused", store=store)

        def timed_save(**how: object) -> float:
            trainer.step(args.more)
            started = time.perf_counter()
            with RunStore(path) as store:
                save_trainer(trainer, status="paused", store=store, **how)
            return time.perf_counter() - started

        appends = [timed_save(run_id=run_id) for _ in range(args.repeats)]
        rewrites = []  # the old path: every save rewrote the whole run
        for _ in range(args.repeats):
            trainer.step(args.more)
            trace = trainer.trace
            started = time.perf_counter()
            with RunStore(path) as store:
                store.save_run(
                    config=trainer.config.to_dict(),
                    status="paused",
                    run_id=run_id,
                    **{name: trace[name].to_numpy() for name in ("step", "epoch", "w", "b", "loss")},
                )
            rewrites.append(time.perf_counter() - started)
        with RunStore(path) as store:
            stored = len(store.points(run_id))
    result = {
        "points": args.points,
        "more_steps": args.more,
        "append_save_median_s": statistics.median(appends),
        "append_save_max_s": max(appends),
        "whole_run_save_median_s": statistics.median(rewrites),
        "stored_points": stored,
    }
    print(json.dumps(result))
    return 0 if result["append_save_median_s"] <= 0.05 else 1


if __name__ == "__main__":
    sys.exit(main())
