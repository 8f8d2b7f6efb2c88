"""Time the run store: save, append to, read back and downsample a 1M-point run (``python scripts/bench_store.py``).

SQLite by default, in a temporary folder. ``--postgresql`` starts a throwaway PostgreSQL server (initdb in a temp
folder, default durability settings: fsync on) and times the same operations there; ``--url postgresql://…`` uses
a server of your own (the database must be empty or a Tapestream store; the bench deletes the runs it saves).
The first save is on a fresh database (cold); the others repeat it on the same connection (warm).
"""

from __future__ import annotations

import argparse
import contextlib
import pathlib
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator

ROOT = pathlib.Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def store_location(args: argparse.Namespace) -> Iterator[str]:
    """Where to bench: a temporary SQLite file, a throwaway PostgreSQL database, or the given URL."""
    if args.url:
        yield args.url
    elif args.postgresql:
        from tests.pg_server import PgServer, PgUnavailableError

        try:
            server = PgServer(durable=True)
        except PgUnavailableError as error:
            print(f"error: --postgresql: {error}", file=sys.stderr)
            raise SystemExit(2) from None
        try:
            yield server.create_database()
        finally:
            server.stop()
    else:
        with tempfile.TemporaryDirectory() as folder:
            yield str(pathlib.Path(folder) / "bench.sqlite3")


def main(argv: list[str] | None = None) -> int:
    """Print the seconds each store operation takes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000, help="rows in the run (default 1,000,000)")
    parser.add_argument("--repeats", type=int, default=3, help="saves to time (default 3)")
    backend = parser.add_mutually_exclusive_group()
    backend.add_argument("--postgresql", action="store_true", help="bench a throwaway PostgreSQL server")
    backend.add_argument("--url", metavar="URL", help="bench this postgresql:// database instead")
    args = parser.parse_args(argv)
    if args.points < 1 or args.repeats < 1:
        parser.error("--points and --repeats must be whole numbers ≥ 1")
    if args.url and not args.url.startswith(("postgresql://", "postgres://")):
        parser.error(f"--url {args.url!r}: must be a postgresql://user:pass@host:port/db URL")
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from core.store.run_store import RunStore, StoreError

    n = args.points
    rng = np.random.default_rng(0)
    columns = {
        "step": np.arange(n, dtype=np.int64),
        "epoch": (np.arange(n) // 1000).astype(np.int32),
        "w": rng.random(n, dtype=np.float32),
        "b": rng.random(n, dtype=np.float32),
        "loss": rng.random(n, dtype=np.float32),
    }
    more = {name: values[-1000:] + (n if name == "step" else 0) for name, values in columns.items()}
    config = {"optimizer": "sgd", "learning_rate": 0.01}
    try:
        with store_location(args) as location, RunStore(location) as store:
            print(f"store: {store.path}")
            saved, saves = [], []
            for _ in range(args.repeats):
                started = time.perf_counter()
                saved.append(store.save_run(config=config, status="done", **columns))
                saves.append(time.perf_counter() - started)
                label = "cold, fresh database" if len(saves) == 1 else "warm"
                print(f"save {n:,} points (new run {saved[-1]}, {label}): {saves[-1]:.3f} s")
            print(f"save {n:,} points: median {statistics.median(saves):.3f} s of {len(saves)}")
            run_id = saved[-1]
            started = time.perf_counter()
            store.save_run(config={}, status="done", run_id=run_id, **columns)
            print(f"replace {n:,} points of run {run_id}: {time.perf_counter() - started:.3f} s")
            started = time.perf_counter()
            store.append_run(run_id, config=config, status="paused", **more)
            print(f"append 1,000 points to run {run_id} (a live run's re-save): {time.perf_counter() - started:.3f} s")
            started = time.perf_counter()
            frame = store.points(run_id)
            print(f"read {len(frame):,} points: {time.perf_counter() - started:.3f} s")
            started = time.perf_counter()
            frame = store.points(run_id, max_points=2000)
            print(f"read downsampled to {len(frame):,} points: {time.perf_counter() - started:.3f} s")
            started = time.perf_counter()
            for run in saved:
                store.delete(run)
            print(f"delete {len(saved)} runs: {time.perf_counter() - started:.3f} s")
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
