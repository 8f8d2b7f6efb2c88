"""Time the run store: save, read back and downsample a 1M-point run (``python scripts/bench_store.py``)."""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile
import time


def main(argv: list[str] | None = None) -> int:
    """Print the seconds each store operation takes on a fresh database in a temporary folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=1_000_000, help="rows in the run (default 1,000,000)")
    parser.add_argument("--repeats", type=int, default=3, help="saves to time (default 3)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    import numpy as np

    from core.store.run_store import RunStore

    n = args.points
    rng = np.random.default_rng(0)
    columns = {
        "step": np.arange(n, dtype=np.int64),
        "epoch": (np.arange(n) // 1000).astype(np.int32),
        "w": rng.random(n, dtype=np.float32),
        "b": rng.random(n, dtype=np.float32),
        "loss": rng.random(n, dtype=np.float32),
    }
    with tempfile.TemporaryDirectory() as folder, RunStore(pathlib.Path(folder) / "bench.sqlite3") as store:
        run_id = None
        for _ in range(args.repeats):
            started = time.perf_counter()
            run_id = store.save_run(config={"optimizer": "sgd", "learning_rate": 0.01}, status="done", **columns)
            print(f"save {n:,} points (new run {run_id}): {time.perf_counter() - started:.3f} s")
        started = time.perf_counter()
        store.save_run(config={}, status="done", run_id=run_id, **columns)
        print(f"replace {n:,} points of run {run_id}: {time.perf_counter() - started:.3f} s")
        started = time.perf_counter()
        frame = store.points(run_id)
        print(f"read {len(frame):,} points: {time.perf_counter() - started:.3f} s")
        started = time.perf_counter()
        frame = store.points(run_id, max_points=2000)
        print(f"read downsampled to {len(frame):,} points: {time.perf_counter() - started:.3f} s")
        started = time.perf_counter()
        store.delete(run_id)
        print(f"delete run {run_id}: {time.perf_counter() - started:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
