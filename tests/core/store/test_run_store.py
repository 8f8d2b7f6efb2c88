"""Tests for core.store.run_store: round trips, migrations, replacing, downsampling, crashes, concurrency, bad files.

Tests taking ``store``, ``location`` or ``raw`` run on both backends (SQLite and PostgreSQL; see conftest.py).
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import core.store.run_store as store_module
from core.store.run_store import RunNotFound, RunStore, StoreError, default_db_path
from core.store.schema import SCHEMA_VERSION
from tests.core.store.conftest import RawDatabase

REPO = Path(__file__).resolve().parents[3]
RUN_KEYS = {
    "id",
    "name",
    "created_at",
    "updated_at",
    "status",
    "config",
    "final_w",
    "final_b",
    "final_loss",
    "final_step_loss",
    "steps",
    "events",
    "message",
    "notes",
    "tags",
    "sweep_id",
    "converged_step",
}
CONFIG = {"optimizer": "sgd", "learning_rate": 0.01, "epochs": 2}


def columns(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Trace-like columns with the Trainer's dtypes."""
    rng = np.random.default_rng(seed)
    return {
        "step": np.arange(n, dtype=np.int64),
        "epoch": (np.arange(n) // 10).astype(np.int32),
        "w": rng.standard_normal(n).astype(np.float32),
        "b": rng.standard_normal(n).astype(np.float32),
        "loss": rng.random(n).astype(np.float32),
    }


def assert_points(frame: pd.DataFrame, expected: dict[str, np.ndarray]) -> None:
    assert list(frame.columns) == ["step", "epoch", "w", "b", "loss"]
    for name, values in expected.items():
        np.testing.assert_array_equal(frame[name].to_numpy(), values.astype(frame[name].dtype), err_msg=name)


def child(code: str, *args: str, **popen: object) -> subprocess.Popen:
    """A Python process running code from the repo root."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], cwd=REPO, env=env, text=True, stdout=subprocess.PIPE, **popen
    )


def read_line(process: subprocess.Popen, timeout: float = 60.0) -> str:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "child printed nothing in time"
    return process.stdout.readline().strip()


# -- round trips ----------------------------------------------------------------------------------------------


def test_save_and_get_round_trip(store: RunStore) -> None:
    data = columns(50)
    events = [{"step": 10, "field": "learning_rate", "old": 0.01, "new": np.float64(0.1)}]
    run_id = store.save_run(
        config=CONFIG, status="done", events=events, tags=["baseline", "sgd"], notes="first", message="ok", **data
    )
    run = store.get_run(run_id)
    assert set(run) == RUN_KEYS
    assert run["id"] == run_id
    assert run["name"] == f"sgd lr=0.01 #{run_id}"
    assert run["status"] == "done"
    assert run["config"] == CONFIG
    assert run["events"] == [{"step": 10, "field": "learning_rate", "old": 0.01, "new": 0.1}]
    assert (run["tags"], run["notes"], run["message"], run["sweep_id"]) == (["baseline", "sgd"], "first", "ok", None)
    assert run["steps"] == 49
    assert (run["final_w"], run["final_b"], run["final_loss"]) == (data["w"][-1], data["b"][-1], data["loss"][-1])
    created = datetime.fromisoformat(run["created_at"])
    assert created.utcoffset().total_seconds() == 0
    assert run["updated_at"] == run["created_at"]
    assert_points(store.points(run_id), data)
    assert store.list_runs() == [run]


def test_points_accept_lists_and_empty_runs(store: RunStore) -> None:
    run_id = store.save_run(config={}, status="running", step=[0, 1], epoch=[0, 0], w=[1, 2], b=[3, 4], loss=[5, 6])
    assert store.points(run_id).to_dict("list") == {
        "step": [0, 1],
        "epoch": [0, 0],
        "w": [1.0, 2.0],
        "b": [3.0, 4.0],
        "loss": [5.0, 6.0],
    }
    empty = store.save_run(config={}, status="running", step=[], epoch=[], w=[], b=[], loss=[], name="empty")
    run = store.get_run(empty)
    assert (run["steps"], run["final_w"], run["final_loss"]) == (0, None, None)
    assert store.points(empty).empty and list(store.points(empty).columns) == ["step", "epoch", "w", "b", "loss"]


def test_non_finite_values_survive(store: RunStore) -> None:
    data = columns(4)
    data["loss"] = np.array([1.0, np.inf, np.nan, -np.inf])
    run_id = store.save_run(config={}, status="diverged", **data)
    np.testing.assert_array_equal(store.points(run_id)["loss"].to_numpy(), data["loss"])
    assert store.get_run(run_id)["final_loss"] == -np.inf


def test_list_runs_newest_first_and_filters(store: RunStore) -> None:
    data = columns(3)
    first = store.save_run(config=CONFIG, status="done", name="alpha 100%", tags=["keep"], **data)
    second = store.save_run(config=CONFIG, status="diverged", name="beta", sweep_id="s1", notes="blew up", **data)
    third = store.save_run(config=CONFIG, status="done", name="gamma", tags=["keep", "x"], sweep_id="s1", **data)
    ids = lambda runs: [run["id"] for run in runs]  # noqa: E731
    assert ids(store.list_runs()) == [third, second, first]
    assert ids(store.list_runs(status="done")) == [third, first]
    assert ids(store.list_runs(tag="keep")) == [third, first]
    assert ids(store.list_runs(tag="kee")) == []
    assert ids(store.list_runs(sweep_id="s1")) == [third, second]
    assert ids(store.list_runs(text="BLEW")) == [second]
    assert ids(store.list_runs(text="100%")) == [first]
    assert ids(store.list_runs(text="%")) == [first]
    assert ids(store.list_runs(text=str(second))) == [second]
    assert ids(store.list_runs(text="gamma", status="done", tag="x", sweep_id="s1")) == [third]
    with pytest.raises(StoreError, match="status='nope' is not allowed"):
        store.list_runs(status="nope")


def test_rename_tags_notes_and_delete(store: RunStore) -> None:
    data = columns(5)
    run_id = store.save_run(config=CONFIG, status="done", **data)
    other = store.save_run(config=CONFIG, status="done", **data)
    before = store.get_run(run_id)
    store.rename(run_id, "  renamed  ")
    store.set_tags(run_id, ["a", "b", "a"])
    store.set_notes(run_id, "line one\nline two")
    run = store.get_run(run_id)
    assert (run["name"], run["tags"], run["notes"]) == ("renamed", ["a", "b"], "line one\nline two")
    assert run["updated_at"] > before["updated_at"] and run["created_at"] == before["created_at"]
    store.delete(run_id)
    assert [run["id"] for run in store.list_runs()] == [other]
    assert_points(store.points(other), data)
    for action in (store.get_run, store.delete, store.points, lambda i: store.rename(i, "x")):
        with pytest.raises(RunNotFound, match=rf"no run with id {run_id} \(see `python -m core runs list`\)"):
            action(run_id)
    new = store.save_run(config=CONFIG, status="done", **data)
    assert new > other, "ids of deleted runs are never reused"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "   "}, "name='   ' is not allowed: must be 1 to 200 characters"),
        ({"name": "n" * 201}, "must be 1 to 200 characters"),
        ({"tags": [f"t{i}" for i in range(21)]}, "21 tags given; at most 20 are allowed"),
        ({"tags": ["x" * 51]}, "each tag must be 1 to 50 characters"),
        ({"tags": "abc"}, "tags must be a list of strings"),
        ({"notes": "n" * 10_001}, "notes is 10,001 characters long; at most 10,000 are allowed"),
        ({"status": "finished"}, "status='finished' is not allowed: must be one of running, paused, done, diverged"),
        ({"config": [1, 2]}, "config must be a dict"),
        ({"config": {"f": object()}}, "config cannot be stored as JSON"),
        ({"events": [1]}, "each event must be a dict"),
        ({"w": [1.0, 2.0]}, "must be 1-D and of the same length"),
        ({"step": [0, 2, 1]}, "step values must be strictly increasing"),
        ({"epoch": [0.5, 0, 0]}, "epoch must be an array of whole numbers"),
        ({"loss": ["a", "b", "c"]}, "loss must be an array of numbers"),
        ({"run_id": 0}, "run id 0 is not allowed"),
        ({"sweep_id": " "}, "sweep_id must not be empty"),
    ],
)
def test_bad_input_is_a_clear_store_error(store: RunStore, changes: dict, message: str) -> None:
    arguments = {"config": {}, "status": "done", **columns(3), **changes}
    with pytest.raises(StoreError, match=re.escape(message)):
        store.save_run(**arguments)
    assert store.list_runs() == []


def test_metadata_validation(store: RunStore) -> None:
    run_id = store.save_run(config={}, status="done", **columns(3))
    with pytest.raises(StoreError, match="name='' is not allowed"):
        store.rename(run_id, "")
    with pytest.raises(StoreError, match="at most 20 are allowed"):
        store.set_tags(run_id, [str(i) for i in range(21)])
    with pytest.raises(StoreError, match="notes must be text"):
        store.set_notes(run_id, None)
    with pytest.raises(StoreError, match="run id 'x' is not allowed"):
        store.get_run("x")
    assert store.get_run(run_id)["name"] == f"run #{run_id}"


# -- replacing a growing run ----------------------------------------------------------------------------------


def test_replace_by_run_id_swaps_fields_and_points(store: RunStore) -> None:
    other = store.save_run(config=CONFIG, status="done", **columns(7, seed=9))
    early = columns(20)
    run_id = store.save_run(config=CONFIG, status="running", tags=["live"], **early)
    store.rename(run_id, "my live run")
    store.set_notes(run_id, "written while it ran")
    created = store.get_run(run_id)["created_at"]
    longer = columns(60, seed=1)
    events = [{"step": 20, "field": "learning_rate", "old": 0.01, "new": 0.05}]
    again = store.save_run(
        config={**CONFIG, "learning_rate": 0.05}, status="paused", events=events, run_id=run_id, **longer
    )
    assert again == run_id
    run = store.get_run(run_id)
    assert (run["status"], run["steps"], run["events"], run["config"]["learning_rate"]) == ("paused", 59, events, 0.05)
    assert (run["name"], run["notes"], run["tags"], run["created_at"]) == (
        "my live run",
        "written while it ran",
        ["live"],
        created,
    )
    assert run["updated_at"] > created
    assert_points(store.points(run_id), longer)
    shorter = columns(5, seed=2)
    store.save_run(config=CONFIG, status="done", name="final", tags=["kept"], run_id=run_id, **shorter)
    assert_points(store.points(run_id), shorter)
    assert (store.get_run(run_id)["name"], store.get_run(run_id)["tags"]) == ("final", ["kept"])
    assert [run["id"] for run in store.list_runs()] == [run_id, other]
    assert_points(store.points(other), columns(7, seed=9))


def test_replace_of_unknown_run_changes_nothing(store: RunStore, raw: RawDatabase) -> None:
    run_id = store.save_run(config={}, status="done", **columns(3))
    with pytest.raises(RunNotFound, match="no run with id 99"):
        store.save_run(config={}, status="done", run_id=99, **columns(8))
    assert [run["id"] for run in store.list_runs()] == [run_id]
    assert raw.scalar("SELECT count(*) FROM points") == 3


# -- downsampling ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("max_points", [8, 50, 501])
def test_downsampling_keeps_extremes_first_and_last(store: RunStore, seed: int, max_points: int) -> None:
    data = columns(5_003, seed)
    rng = np.random.default_rng(seed)
    data["loss"][rng.integers(1, 5_000, 3)] = [1e6, -1e6, 1e3]
    data["w"][rng.integers(1, 5_000)] = np.nan
    run_id = store.save_run(config={}, status="done", **data)
    full = store.points(run_id)
    small = store.points(run_id, max_points=max_points)
    assert 0 < len(small) <= max_points
    assert small.iloc[0].equals(full.iloc[0]) and small.iloc[-1].equals(full.iloc[-1])
    assert small["step"].is_monotonic_increasing and small["step"].is_unique
    rows = full.set_index("step").loc[small["step"]].reset_index()
    pd.testing.assert_frame_equal(rows, small)
    for name in ("w", "b", "loss"):
        assert small[name].min() == full[name].min() and small[name].max() == full[name].max(), name


def test_downsampling_budget_edge_cases(store: RunStore) -> None:
    run_id = store.save_run(config={}, status="done", **columns(100))
    assert len(store.points(run_id, max_points=100)) == 100
    assert len(store.points(run_id, max_points=10_000)) == 100
    for bad in (7, 0, 2.5, True):
        with pytest.raises(StoreError, match="max_points=.* is not allowed: must be a whole number ≥ 8"):
            store.points(run_id, max_points=bad)


# -- files, schema and migrations -----------------------------------------------------------------------------

V1_SCHEMA = """
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, status TEXT NOT NULL, config TEXT NOT NULL, final_w REAL, final_b REAL,
    final_loss REAL, steps INTEGER NOT NULL DEFAULT 0, events TEXT NOT NULL DEFAULT '[]',
    message TEXT NOT NULL DEFAULT '');
CREATE TABLE points (run_id INTEGER NOT NULL, step INTEGER NOT NULL, epoch INTEGER NOT NULL, w REAL, b REAL,
    loss REAL, PRIMARY KEY (run_id, step)) WITHOUT ROWID;
INSERT INTO runs VALUES (7, 'old run', '2025-01-01T00:00:00+00:00', '2025-01-02T00:00:00+00:00', 'done',
    '{"optimizer": "adam"}', 1.5, 2.5, 0.25, 2, '[{"step": 1, "field": "loss", "old": "mse", "new": "mae"}]', 'hi');
INSERT INTO points VALUES (7, 0, 0, 0.0, 0.0, 4.0), (7, 1, 0, 1.0, 2.0, 1.0), (7, 2, 1, 1.5, 2.5, 0.25);
PRAGMA user_version = 1;
"""


def test_new_file_gets_current_schema_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite3"
    RunStore(path).close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 2
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        points_sql = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'points'").fetchone()[0]
        assert "WITHOUT ROWID" in points_sql and "PRIMARY KEY (run_id, step)" in points_sql
    RunStore(path).close()  # reopening an up-to-date file changes nothing


def test_v1_database_is_migrated_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.executescript(V1_SCHEMA)
    with RunStore(path) as store:
        run = store.get_run(7)
        assert (run["name"], run["status"], run["config"], run["message"]) == (
            "old run",
            "done",
            {"optimizer": "adam"},
            "hi",
        )
        assert (run["final_w"], run["final_b"], run["final_loss"], run["steps"]) == (1.5, 2.5, 0.25, 2)
        assert run["events"] == [{"step": 1, "field": "loss", "old": "mse", "new": "mae"}]
        assert (run["notes"], run["tags"], run["sweep_id"]) == ("", [], None)
        assert store.points(7).to_dict("list")["loss"] == [4.0, 1.0, 0.25]
        store.set_tags(7, ["migrated"])
        new = store.save_run(config={}, status="done", sweep_id="s", **columns(3))
        assert new == 8
        assert [run["id"] for run in store.list_runs(tag="migrated")] == [7]
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match=rf"written by a newer Tapestream \(schema version {SCHEMA_VERSION + 1}"):
        RunStore(path)


def test_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match=r"other.sqlite3 is not a Tapestream run database \(it holds other tables"):
        RunStore(path)
    with sqlite3.connect(path) as raw:
        assert [row[0] for row in raw.execute("SELECT name FROM sqlite_master")] == ["invoices"]


@pytest.mark.parametrize("content", [b"this is not a database at all\n" * 100, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_corrupt_file_is_a_store_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        RunStore(path)
    message = str(caught.value)
    assert str(path) in message
    assert "is not a Tapestream run database" in message
    assert "move it away or set TAPESTREAM_DB to another path" in message
    assert path.read_bytes() == content


def test_unopenable_path_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open .*missing"):
        RunStore(tmp_path / "missing" / "runs.sqlite3")
    with pytest.raises(StoreError, match="cannot open"):
        RunStore(tmp_path)


def test_tapestream_db_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TAPESTREAM_DB", raising=False)
    assert default_db_path() == tmp_path / "tapestream.sqlite3"
    chosen = tmp_path / "elsewhere.sqlite3"
    monkeypatch.setenv("TAPESTREAM_DB", str(chosen))
    assert default_db_path() == chosen
    with RunStore() as store:
        store.save_run(config={}, status="done", **columns(2))
    assert chosen.exists() and not (tmp_path / "tapestream.sqlite3").exists()
    with RunStore(chosen) as store:
        assert len(store.list_runs()) == 1


def test_closed_store_and_threads(store: RunStore) -> None:
    results = []
    worker = threading.Thread(target=lambda: results.append(store.save_run(config={}, status="done", **columns(3))))
    worker.start()
    worker.join()
    assert [run["id"] for run in store.list_runs()] == results
    store.close()
    store.close()
    with pytest.raises(StoreError, match="is closed"):
        store.list_runs()


def test_lock_held_too_long_is_a_store_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "LOCK_TIMEOUT_S", 0.2)
    path = tmp_path / "locked.sqlite3"
    with RunStore(path) as store:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreError, match="is locked by another process for more than 0.2 s"):
                store.save_run(config={}, status="done", **columns(3))
            assert store.list_runs() == []  # readers are never blocked by a writer in WAL mode
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        store.save_run(config={}, status="done", **columns(3))


def test_store_does_not_import_tensorflow_or_streamlit() -> None:
    code = (
        "import sys, core.store.run_store, core.store.run_saving, core.cli.runs; "
        "print(sorted(m for m in ('tensorflow', 'streamlit') if m in sys.modules))"
    )
    process = child(code)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 0 and out.strip() == "[]"


# -- crashes and concurrent writers ---------------------------------------------------------------------------

PAUSE_MID_SAVE = {
    # SQLite: a tiny cache spills uncommitted pages into the WAL; pause after 1,000 multi-row INSERTs.
    "sqlite": """
import sys, time
import numpy as np
from core.store.run_store import RunStore
store = RunStore(sys.argv[1])
store._backend.connection.execute("PRAGMA cache_size = -64")
inserts = 0
def pause_mid_save(sql):
    global inserts
    if sql.startswith("INSERT INTO points"):
        inserts += 1
        if inserts == 1000:
            print("mid-save", flush=True)
            time.sleep(120)
store._backend.connection.set_trace_callback(pause_mid_save)
""",
    # PostgreSQL: pause inside the COPY, after two chunks of points have reached the server.
    "postgresql": """
import sys, time
import numpy as np
import core.store.backends.postgres_backend as backend
from core.store.run_store import RunStore
store = RunStore(sys.argv[1])
chunks, copy_rows = 0, backend.copy_rows
def pause_mid_save(*args):
    global chunks
    chunks += 1
    if chunks == 3:
        print("mid-save", flush=True)
        time.sleep(120)
    return copy_rows(*args)
backend.copy_rows = pause_mid_save
backend.ROWS_PER_COPY_CHUNK = 50_000
""",
}
SAVE_HALF = """
n = 300_000
store.save_run(config={}, status="done", name="half", step=np.arange(n), epoch=np.zeros(n, int),
               w=np.ones(n), b=np.ones(n), loss=np.ones(n))
print("finished", flush=True)
"""

SAVE_FOREVER = """
import sys
import numpy as np
from core.store.run_store import RunStore
store = RunStore(sys.argv[1])
n = 100_000
while True:
    run_id = store.save_run(config={}, status="done", step=np.arange(n), epoch=np.zeros(n, int),
                            w=np.full(n, 2.0), b=np.full(n, 3.0), loss=np.arange(n) / n)
    print(run_id, flush=True)
"""


def save_earlier_runs(location: str) -> dict[int, dict[str, np.ndarray]]:
    with RunStore(location) as store:
        return {
            store.save_run(config=CONFIG, status="done", **columns(1_000, seed)): columns(1_000, seed)
            for seed in range(3)
        }


def assert_earlier_runs_intact(location: str, earlier: dict[int, dict[str, np.ndarray]]) -> None:
    if not location.startswith("postgresql://"):
        with sqlite3.connect(location) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    with RunStore(location) as store:
        for run_id, data in earlier.items():
            assert store.get_run(run_id)["steps"] == 999
            assert_points(store.points(run_id), data)


def test_sigkill_mid_save_leaves_no_half_run(location: str) -> None:
    backend = "postgresql" if location.startswith("postgresql://") else "sqlite"
    earlier = save_earlier_runs(location)
    process = child(PAUSE_MID_SAVE[backend] + SAVE_HALF, location)
    try:
        assert read_line(process) == "mid-save"
        with RunStore(location) as reader:  # the open transaction is invisible and blocks no reader
            assert sorted(run["id"] for run in reader.list_runs()) == sorted(earlier)
        if backend == "sqlite":
            assert Path(location + "-wal").stat().st_size > 1_000_000, "uncommitted pages reached the WAL"
        else:
            with RawDatabase(location) as raw:
                copying = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY points%' AND state = 'active'"
                assert raw.scalar(copying) == 1, "the save was not in the middle of its COPY"
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert_earlier_runs_intact(location, earlier)
    with RunStore(location) as store:
        assert sorted(run["id"] for run in store.list_runs()) == sorted(earlier)
        deadline = time.monotonic() + 30  # PostgreSQL ends the dead client's transaction when it sees the socket close
        while True:
            with RawDatabase(location) as raw:
                if raw.scalar("SELECT count(*) FROM points") == 3_000 or time.monotonic() > deadline:
                    assert raw.scalar("SELECT count(*) FROM points") == 3_000
                    break
            time.sleep(0.1)
        assert store.save_run(config={}, status="done", **columns(10)) > max(earlier)


def test_sigkill_at_a_random_moment_keeps_every_visible_run_whole(location: str) -> None:
    earlier = save_earlier_runs(location)
    process = child(SAVE_FOREVER, location)
    try:
        for _ in range(2):
            read_line(process)
        time.sleep(np.random.default_rng().uniform(0.0, 0.3))
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    assert_earlier_runs_intact(location, earlier)
    with RunStore(location) as store:
        new_runs = [run for run in store.list_runs() if run["id"] not in earlier]
        assert len(new_runs) >= 2
        for run in new_runs:
            points = store.points(run["id"])
            assert run["steps"] == 99_999 and len(points) == 100_000
            assert (points["w"] == 2.0).all() and points["loss"].iloc[-1] == 99_999 / 100_000


CONCURRENT_WRITER = """
import json, os, sys, time
import numpy as np
from core.store.run_store import RunStore
path, go, writer = sys.argv[1], sys.argv[2], int(sys.argv[3])
while not os.path.exists(go):
    time.sleep(0.005)
store = RunStore(path)
n = 20_000
ids = [store.save_run(config={"writer": writer}, status="done", step=np.arange(n), epoch=np.zeros(n, int),
                      w=np.full(n, float(writer)), b=np.zeros(n), loss=np.zeros(n), tags=[f"writer{writer}"])
       for _ in range(8)]
print(json.dumps(ids), flush=True)
"""


def test_two_writer_processes_both_succeed(location: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    writers = [child(CONCURRENT_WRITER, location, str(go), str(writer)) for writer in (1, 2)]
    go.touch()
    outputs = [writer.communicate(timeout=120)[0] for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0]
    ids = [json.loads(output) for output in outputs]
    assert len(set(ids[0]) | set(ids[1])) == 16
    with RunStore(location) as store:
        assert len(store.list_runs()) == 16
        for writer, written in zip((1, 2), ids):
            for run_id in written:
                run = store.get_run(run_id)
                assert run["config"] == {"writer": writer} and run["tags"] == [f"writer{writer}"]
                points = store.points(run_id)
                assert len(points) == 20_000 and (points["w"] == writer).all()
