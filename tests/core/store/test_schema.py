"""core.store.schema: numbered migrations on a real SQLite file, from every older version, and newer ones refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.store.schema import MIGRATIONS, SCHEMA_VERSION, SchemaError, migrate, rendered, schema_version


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def at_version(path: Path, version: int) -> sqlite3.Connection:
    """A file holding the schema as it was at version (applied with the migrations before it)."""
    connection = connect(path)
    for number in range(version):
        for statement in MIGRATIONS[number]:
            connection.execute(rendered(statement))
    connection.execute(f"PRAGMA user_version = {version}")
    return connection


def columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def indexes(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_a_new_file_gets_every_table_and_the_current_version(tmp_path: Path) -> None:
    connection = connect(tmp_path / "new.sqlite3")
    assert migrate(connection) == 0 and schema_version(connection) == SCHEMA_VERSION == len(MIGRATIONS)
    assert columns(connection, "points") == ["run_id", "step", "epoch", "w", "b", "loss"]
    assert {"notes", "tags", "sweep_id"} <= set(columns(connection, "runs"))
    assert {"runs_by_created", "runs_by_sweep"} <= indexes(connection)
    assert migrate(connection) == SCHEMA_VERSION and schema_version(connection) == SCHEMA_VERSION  # a no-op


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_each_older_version_is_migrated_keeping_its_rows(tmp_path: Path, version: int) -> None:
    path = tmp_path / f"v{version}.sqlite3"
    old = at_version(path, version)
    old.execute(
        "INSERT INTO runs (id, name, created_at, updated_at, status, config, steps) "
        "VALUES (7, 'old', '2025-01-01', '2025-01-02', 'done', '{}', 2)"
    )
    old.execute("INSERT INTO points VALUES (7, 0, 0, 0.0, 0.0, 4.0), (7, 1, 0, 1.0, 2.0, 1.0)")
    old.close()
    connection = connect(path)
    connection.execute("BEGIN IMMEDIATE")
    assert migrate(connection) == version
    connection.execute("COMMIT")
    connection.close()
    reopened = connect(path)
    assert schema_version(reopened) == SCHEMA_VERSION
    row = reopened.execute("SELECT name, steps, notes, tags, sweep_id FROM runs WHERE id = 7").fetchone()
    assert row == ("old", 2, "", "[]", None)
    assert reopened.execute("SELECT loss FROM points WHERE run_id = 7 ORDER BY step").fetchall() == [(4.0,), (1.0,)]


def test_a_migration_rolled_back_with_its_transaction_leaves_the_old_version(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    at_version(path, 1).close()
    connection = connect(path)
    connection.execute("BEGIN IMMEDIATE")
    migrate(connection)
    connection.execute("ROLLBACK")
    assert schema_version(connection) == 1 and "notes" not in columns(connection, "runs")


def test_a_newer_version_is_refused_and_left_alone(tmp_path: Path) -> None:
    connection = connect(tmp_path / "future.sqlite3")
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaError, match=rf"written by a newer Tapestream \(schema version {SCHEMA_VERSION + 1};"):
        migrate(connection)
    assert schema_version(connection) == SCHEMA_VERSION + 1


def test_a_file_with_other_tables_is_refused_untouched(tmp_path: Path) -> None:
    connection = connect(tmp_path / "other.sqlite3")
    connection.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(SchemaError, match=r"is not a Tapestream run database \(it holds other tables: invoices\)"):
        migrate(connection)
    assert schema_version(connection) == 0
    tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert tables == ["invoices"]


def test_version_2_rows_keep_their_step_loss_as_final_step_loss(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    old = at_version(path, 2)
    old.execute(
        "INSERT INTO runs (id, name, created_at, updated_at, status, config, final_loss, steps) "
        "VALUES (3, 'old', '2025-01-01', '2025-01-02', 'done', '{}', 37.5, 2)"
    )
    old.close()
    connection = connect(path)
    migrate(connection)
    assert connection.execute("SELECT final_loss, final_step_loss, run_key FROM runs").fetchone() == (37.5, 37.5, None)
    assert "runs_by_key" in indexes(connection)


def test_runs_left_running_by_older_versions_become_paused(tmp_path: Path) -> None:
    path = tmp_path / "v2-running.sqlite3"
    old = at_version(path, 2)
    old.execute(
        "INSERT INTO runs (id, name, created_at, updated_at, status, config, steps) "
        "VALUES (4, 'stuck', '2025-01-01', '2025-01-02', 'running', '{}', 9)"
    )
    old.close()
    connection = connect(path)
    migrate(connection)
    assert connection.execute("SELECT status FROM runs WHERE id = 4").fetchone() == ("paused",)
