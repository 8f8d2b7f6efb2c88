"""core.store.schema: numbered migrations on a real SQLite file and a real PostgreSQL database, from every older
version, and newer versions or foreign tables refused."""

from __future__ import annotations

import pytest

from core.store.schema import (
    MIGRATIONS,
    POSTGRESQL,
    SCHEMA_VERSION,
    SQLITE,
    Dialect,
    SchemaError,
    migrate,
    rendered,
    schema_version,
)
from tests.core.store.conftest import RawDatabase


def connect(location: str) -> RawDatabase:
    return RawDatabase(location)


def dialect_of(connection: RawDatabase) -> Dialect:
    return POSTGRESQL if connection.postgres else SQLITE


def at_version(location: str, version: int) -> RawDatabase:
    """A database holding the schema as it was at version (applied with the migrations before it)."""
    connection = connect(location)
    dialect = dialect_of(connection)
    for number in range(version):
        for statement in MIGRATIONS[number]:
            connection.execute(rendered(statement, dialect))
    if version:
        dialect.write_version(connection, version)
    return connection


def columns(connection: RawDatabase, table: str) -> list[str]:
    if connection.postgres:
        sql = "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position"
        return [row[0] for row in connection.execute(sql, (table,))]
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def indexes(connection: RawDatabase) -> set[str]:
    if connection.postgres:
        return {row[0] for row in connection.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")}
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def migrated(location: str) -> tuple[RawDatabase, int]:
    """Migrate location in one write transaction; returns a fresh connection and the version it came from."""
    connection = connect(location)
    connection.execute("BEGIN" if connection.postgres else "BEGIN IMMEDIATE")
    old = migrate(connection, dialect_of(connection))
    connection.execute("COMMIT")
    connection.close()
    return connect(location), old


def test_every_statement_renders_for_both_dialects() -> None:
    for dialect in (SQLITE, POSTGRESQL):
        for step in MIGRATIONS:
            for statement in step:
                assert "$" not in rendered(statement, dialect)
    assert "WITHOUT ROWID" in rendered(MIGRATIONS[0][1], SQLITE) and "ROWID" not in rendered(
        MIGRATIONS[0][1], POSTGRESQL
    )
    assert "AUTOINCREMENT" in rendered(MIGRATIONS[0][0], SQLITE) and "IDENTITY" in rendered(
        MIGRATIONS[0][0], POSTGRESQL
    )


def test_a_new_database_gets_every_table_and_the_current_version(location: str) -> None:
    connection = connect(location)
    dialect = dialect_of(connection)
    assert migrate(connection, dialect) == 0 and schema_version(connection, dialect) == SCHEMA_VERSION
    assert SCHEMA_VERSION == len(MIGRATIONS)
    assert columns(connection, "points") == ["run_id", "step", "epoch", "w", "b", "loss"]
    assert {"notes", "tags", "sweep_id"} <= set(columns(connection, "runs"))
    assert {"runs_by_created", "runs_by_sweep"} <= indexes(connection)
    assert migrate(connection, dialect) == SCHEMA_VERSION and schema_version(connection, dialect) == SCHEMA_VERSION


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_each_older_version_is_migrated_keeping_its_rows(location: str, version: int) -> None:
    old = at_version(location, version)
    old.execute(
        "INSERT INTO runs (id, name, created_at, updated_at, status, config, steps) "
        "VALUES (7, 'old', '2025-01-01', '2025-01-02', 'done', '{}', 2)"
    )
    old.execute("INSERT INTO points VALUES (7, 0, 0, 0.0, 0.0, 4.0), (7, 1, 0, 1.0, 2.0, 1.0)")
    old.close()
    reopened, was = migrated(location)
    assert was == version
    assert schema_version(reopened, dialect_of(reopened)) == SCHEMA_VERSION
    row = reopened.execute("SELECT name, steps, notes, tags, sweep_id FROM runs WHERE id = 7").fetchone()
    assert tuple(row) == ("old", 2, "", "[]", None)
    losses = reopened.execute("SELECT loss FROM points WHERE run_id = 7 ORDER BY step").fetchall()
    assert [tuple(loss) for loss in losses] == [(4.0,), (1.0,)]


def test_a_migration_rolled_back_with_its_transaction_leaves_the_old_version(location: str) -> None:
    at_version(location, 1).close()
    connection = connect(location)
    connection.execute("BEGIN" if connection.postgres else "BEGIN IMMEDIATE")
    migrate(connection, dialect_of(connection))
    connection.execute("ROLLBACK")
    assert schema_version(connection, dialect_of(connection)) == 1 and "notes" not in columns(connection, "runs")


def test_a_newer_version_is_refused_and_left_alone(location: str) -> None:
    connection = connect(location)
    dialect = dialect_of(connection)
    dialect.write_version(connection, SCHEMA_VERSION + 1)
    with pytest.raises(SchemaError, match=rf"written by a newer Tapestream \(schema version {SCHEMA_VERSION + 1};"):
        migrate(connection, dialect)
    assert schema_version(connection, dialect) == SCHEMA_VERSION + 1


def test_a_database_with_other_tables_is_refused_untouched(location: str) -> None:
    connection = connect(location)
    dialect = dialect_of(connection)
    connection.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(SchemaError, match=r"is not a Tapestream run database \(it holds other tables: invoices\)"):
        migrate(connection, dialect)
    assert schema_version(connection, dialect) == 0
    assert dialect.table_names(connection) == {"invoices"}


def test_version_2_rows_keep_their_step_loss_as_final_step_loss(location: str) -> None:
    old = at_version(location, 2)
    old.execute(
        "INSERT INTO runs (id, name, created_at, updated_at, status, config, final_loss, steps) "
        "VALUES (3, 'old', '2025-01-01', '2025-01-02', 'done', '{}', 37.5, 2)"
    )
    old.close()
    connection, _ = migrated(location)
    assert tuple(connection.execute("SELECT final_loss, final_step_loss, run_key FROM runs").fetchone()) == (
        37.5,
        37.5,
        None,
    )
    assert "runs_by_key" in indexes(connection)


def test_runs_left_running_by_older_versions_become_paused(location: str) -> None:
    old = at_version(location, 2)
    old.execute(
        "INSERT INTO runs (id, name, created_at, updated_at, status, config, steps) "
        "VALUES (4, 'stuck', '2025-01-01', '2025-01-02', 'running', '{}', 9)"
    )
    old.close()
    connection, _ = migrated(location)
    assert tuple(connection.execute("SELECT status FROM runs WHERE id = 4").fetchone()) == ("paused",)
