"""The PostgreSQL backend's own promises: TAPESTREAM_DB selects it, bad configuration is one clear line naming the
URL with its password hidden (library, CLI exit 2), writers wait a bounded time, and SQLite users never load psycopg.
The shared behaviour (saves, appends, crashes, concurrent writers, migrations) runs on both backends elsewhere."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest

import core.store.run_store as store_module
from core.store.location import default_db_path, shown_url
from core.store.run_store import RunStore, StoreConfigError, StoreError
from core.store.schema import POSTGRESQL, SCHEMA_VERSION
from tests.core.store.conftest import RawDatabase
from tests.pg_server import PASSWORD, PgServer

REPO = Path(__file__).resolve().parents[3]


def columns(n: int) -> dict[str, np.ndarray]:
    steps = np.arange(n)
    return {"step": steps, "epoch": steps // 10, "w": steps * 0.5, "b": -steps * 1.0, "loss": 1.0 / (steps + 1)}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens there


def bad_urls(pg_server: PgServer, pg_url: str) -> dict[str, tuple[str, str]]:
    """Each bad configuration: its URL and the words its message must hold."""
    future = pg_server.create_database()
    with RawDatabase(future) as raw:
        POSTGRESQL.write_version(raw, SCHEMA_VERSION + 1)
    database = urlsplit(pg_url).path.lstrip("/")
    return {
        "unreachable": (f"postgresql://tapestream:{PASSWORD}@127.0.0.1:{closed_port()}/runs", "cannot reach"),
        "wrong password": (pg_server.url(database, password="not-the-password"), "wrong user name or password"),
        "missing database": (pg_server.url("no_such_db"), "names a database that does not exist"),
        "newer schema": (future, f"written by a newer Tapestream (schema version {SCHEMA_VERSION + 1}"),
    }


def test_tapestream_db_url_selects_postgresql_and_hides_the_password(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TAPESTREAM_DB", pg_url)
    assert default_db_path() == pg_url
    with RunStore() as store:
        run_id = store.save_run(config={"seed": 1}, status="done", **columns(5))
        assert PASSWORD not in repr(store) and ":***@" in str(store.path)
    assert not list(tmp_path.iterdir()), "a PostgreSQL store writes no SQLite file"
    with RawDatabase(pg_url) as raw:
        assert raw.scalar("SELECT count(*) FROM points WHERE run_id = ?", (run_id,)) == 5


def test_shown_url_hides_passwords_in_the_netloc_and_the_query() -> None:
    assert shown_url("postgresql://u:s3cret@db:5432/runs") == "postgresql://u:***@db:5432/runs"
    assert shown_url("postgresql://u@db/runs?sslmode=require&password=s3cret") == (
        "postgresql://u@db/runs?sslmode=require&password=***"
    )
    assert shown_url("postgres://db/runs") == "postgres://db/runs"


def test_each_bad_configuration_is_one_clear_line_naming_the_url(pg_server: PgServer, pg_url: str) -> None:
    for case, (url, words) in bad_urls(pg_server, pg_url).items():
        with pytest.raises(StoreConfigError) as raised:
            RunStore(url)
        message = str(raised.value)
        assert words in message, case
        assert shown_url(url) in message and "\n" not in message, case
        assert PASSWORD not in message and "not-the-password" not in message, case


def test_the_cli_says_each_bad_configuration_in_one_line_with_exit_2(pg_server: PgServer, pg_url: str) -> None:
    for case, (url, words) in bad_urls(pg_server, pg_url).items():
        env = {**os.environ, "TAPESTREAM_DB": url, "PYTHONPATH": str(REPO)}
        done = subprocess.run(
            [sys.executable, "-m", "core", "runs", "list", "--json"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, (case, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], (case, done.stderr)
        assert "Traceback" not in done.stderr and PASSWORD not in done.stderr and "not-the-password" not in done.stderr
        assert shown_url(url) in lines[0]


def test_a_database_holding_other_tables_is_refused_untouched(pg_url: str) -> None:
    with RawDatabase(pg_url) as raw:
        raw.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match=r"is not a Tapestream run database \(it holds other tables: invoices\)"):
        RunStore(pg_url)
    with RawDatabase(pg_url) as raw:
        assert POSTGRESQL.table_names(raw) == {"invoices"}


def test_a_writer_held_too_long_is_a_store_error_and_readers_never_wait(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.store.backends.postgres_backend import WRITE_LOCK_KEY

    monkeypatch.setattr(store_module, "LOCK_TIMEOUT_S", 0.2)
    with RunStore(pg_url) as store:
        first = store.save_run(config={}, status="done", **columns(3))
        with RawDatabase(pg_url) as holder:
            holder.execute("BEGIN")
            holder.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
            with pytest.raises(StoreError, match="is locked by another writer for more than 0.2 s; try again"):
                store.save_run(config={}, status="done", **columns(3))
            assert [run["id"] for run in store.list_runs()] == [first]
            holder.execute("ROLLBACK")
        assert store.save_run(config={}, status="done", **columns(3)) > first
        assert len(store.list_runs()) == 2


def test_a_closed_store_gives_its_connection_to_the_next_one(pg_url: str) -> None:
    with RunStore(pg_url) as store:
        connection = store._backend.connection
    with RunStore(pg_url) as again:
        assert again._backend.connection is connection
        assert again.list_runs() == []


def test_two_replicas_opening_an_empty_database_at_once_both_get_the_schema(pg_url: str) -> None:
    code = "import sys; from core.store.run_store import RunStore; RunStore(sys.argv[1]).close(); print('ok')"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    children = [
        subprocess.Popen([sys.executable, "-c", code, pg_url], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    assert [child.communicate(timeout=60)[0].strip() for child in children] == ["ok"] * 3
    with RawDatabase(pg_url) as raw:
        assert POSTGRESQL.read_version(raw) == SCHEMA_VERSION


def test_sqlite_users_never_import_psycopg(tmp_path: Path) -> None:
    code = (
        "import sys; from core.store.run_store import RunStore; import core.store.recovery, core.cli.runs; "
        "RunStore(sys.argv[1]).close(); print(json.dumps('psycopg' in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", "import json; " + code, str(tmp_path / "runs.sqlite3")],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and json.loads(done.stdout) is False, done.stderr


def core_cli(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TAPESTREAM_DB": url, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_existing_commands_work_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    trained = core_cli(pg_url, "train", "--n-samples", "50", "--epochs", "1", "--save", "--name", "on pg")
    assert trained.returncode == 0 and "saved run 1" in trained.stderr, trained.stderr
    swept = core_cli(pg_url, *"sweep --lr 0.01,0.1 --n-samples 30 --epochs 1 --save --json".split())
    assert swept.returncode == 0, swept.stderr
    sweep_id = json.loads(swept.stdout.strip().splitlines()[-1])["sweep_id"]
    listed = core_cli(pg_url, "runs", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    runs = json.loads(listed.stdout)
    assert [run["id"] for run in runs] == [3, 2, 1] and runs[2]["name"] == "on pg" and runs[2]["steps"] == 50
    assert {"id", "name", "status", "config", "final_w", "final_b", "final_loss", "final_step_loss", "steps"} <= set(
        runs[0]
    )
    assert {run["sweep_id"] for run in runs[:2]} == {sweep_id}
    shown = core_cli(pg_url, "runs", "show", "1")
    assert shown.returncode == 0 and "on pg" in shown.stdout, shown.stderr
    exported = core_cli(pg_url, "runs", "export", "1", "--csv", str(tmp_path / "run1.csv"))
    assert exported.returncode == 0, exported.stderr
    assert len((tmp_path / "run1.csv").read_text().strip().splitlines()) == 1 + 51
