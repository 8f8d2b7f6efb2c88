"""The run store's schema for both backends: numbered migrations applied in order, and where each keeps its version.

A migration statement is written once. Where the dialects differ it names a type token, filled in per dialect from
``Dialect.types``: ``$ID_KEY`` (an auto-numbered integer primary key), ``$INT`` (64-bit integer), ``$REAL``
(double), ``$BLOB`` (bytes) and ``$WITHOUT_ROWID`` (SQLite's clustered-table clause, empty on PostgreSQL).
Everything else (TEXT, ALTER TABLE ... ADD COLUMN, CREATE [UNIQUE] INDEX ... [WHERE ...], UPDATE) reads the same
in both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from string import Template
from typing import Any

# MIGRATIONS[i] takes a database from schema version i to i + 1. Append new steps; never edit old ones.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE runs (
            id $ID_KEY,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            status TEXT NOT NULL,
            config TEXT NOT NULL,
            final_w $REAL,
            final_b $REAL,
            final_loss $REAL,
            steps $INT NOT NULL DEFAULT 0,
            events TEXT NOT NULL DEFAULT '[]',
            message TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE points (
            run_id $INT NOT NULL,
            step $INT NOT NULL,
            epoch $INT NOT NULL,
            w $REAL,
            b $REAL,
            loss $REAL,
            PRIMARY KEY (run_id, step)
        ) $WITHOUT_ROWID""",
    ),
    (
        "ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE runs ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE runs ADD COLUMN sweep_id TEXT",
        "CREATE INDEX runs_by_created ON runs (created_at)",
        "CREATE INDEX runs_by_sweep ON runs (sweep_id)",
    ),
    (
        # final_loss becomes the mean loss over all the data at the final (w, b); the last step's own loss moves
        # to final_step_loss. Older rows only know the step loss, which they keep in both.
        "ALTER TABLE runs ADD COLUMN final_step_loss $REAL",
        "UPDATE runs SET final_step_loss = final_loss",
        # One live run (one session's run from open to Reset) keeps one key, so however often it is saved, and
        # whatever interrupts a save, it is one row.
        "ALTER TABLE runs ADD COLUMN run_key TEXT",
        "CREATE UNIQUE INDEX runs_by_key ON runs (run_key) WHERE run_key IS NOT NULL",
        # Older versions could leave a live run saved as "running" after its session stopped; none runs now.
        "UPDATE runs SET status = 'paused' WHERE status = 'running'",
    ),
    (
        # Users' own data sets, one row per content hash however many runs use them (a run's config names its
        # data_hash); x and y are float32 bytes, little-endian.
        """CREATE TABLE datasets (
            hash TEXT PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            x_name TEXT NOT NULL,
            y_name TEXT NOT NULL,
            n_rows $INT NOT NULL,
            x $BLOB NOT NULL,
            y $BLOB NOT NULL,
            created_at TEXT NOT NULL
        )""",
        # The step from which the run's fit stayed close to the best one (core.regression.convergence), or NULL.
        "ALTER TABLE runs ADD COLUMN converged_step $INT",
    ),
    (
        # What the Compare page draws of a run (core.store.chart_overview): its chart frame packed (chart), its steps
        # to converge on its full points (NULL: never) and its point count. Valid only while updated_at equals the
        # run's; older runs get theirs on their first read.
        """CREATE TABLE run_overviews (
            run_id $INT PRIMARY KEY,
            updated_at TEXT NOT NULL,
            converged_step $INT,
            n_points $INT NOT NULL,
            chart $BLOB NOT NULL
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
OUR_TABLES = frozenset({"runs", "points", "datasets", "run_overviews"})
VERSION_TABLE = "tapestream_schema"  # PostgreSQL keeps the version in this one-row table


class SchemaError(Exception):
    """The database is not a run database this version can use; the message is a predicate on it."""


@dataclass(frozen=True)
class Dialect:
    """What the schema needs to know of one database engine: its types, its own tables and its version's home."""

    name: str
    types: Mapping[str, str]
    own_tables: frozenset[str]
    read_version: Callable[[Any], int]
    write_version: Callable[[Any, int], None]
    table_names: Callable[[Any], set[str]]


def _sqlite_version(connection: Any) -> int:
    return connection.execute("PRAGMA user_version").fetchone()[0]


def _sqlite_set_version(connection: Any, version: int) -> None:
    connection.execute(f"PRAGMA user_version = {int(version)}")


def _sqlite_tables(connection: Any) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _postgres_tables(connection: Any) -> set[str]:
    sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    return {row[0] for row in connection.execute(sql)}


def _postgres_version(connection: Any) -> int:
    if VERSION_TABLE not in _postgres_tables(connection):
        return 0
    row = connection.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()
    return 0 if row is None else row[0]


def _postgres_set_version(connection: Any, version: int) -> None:
    connection.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)")
    connection.execute(f"DELETE FROM {VERSION_TABLE}")
    connection.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES ({int(version)})")


SQLITE = Dialect(
    name="sqlite",
    types={
        "ID_KEY": "INTEGER PRIMARY KEY AUTOINCREMENT",
        "INT": "INTEGER",
        "REAL": "REAL",
        "BLOB": "BLOB",
        "WITHOUT_ROWID": "WITHOUT ROWID",
    },
    own_tables=OUR_TABLES | {"sqlite_sequence"},
    read_version=_sqlite_version,
    write_version=_sqlite_set_version,
    table_names=_sqlite_tables,
)
POSTGRESQL = Dialect(
    name="postgresql",
    types={
        "ID_KEY": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        "INT": "BIGINT",
        "REAL": "DOUBLE PRECISION",
        "BLOB": "BYTEA",
        "WITHOUT_ROWID": "",
    },
    own_tables=OUR_TABLES | {VERSION_TABLE},
    read_version=_postgres_version,
    write_version=_postgres_set_version,
    table_names=_postgres_tables,
)


def rendered(statement: str, dialect: Dialect = SQLITE) -> str:
    """A migration statement with its type tokens filled in for dialect (KeyError on an unknown token)."""
    return Template(statement).substitute(dialect.types).rstrip()


def schema_version(connection: Any, dialect: Dialect = SQLITE) -> int:
    """The database's schema version (0 for an empty one)."""
    return dialect.read_version(connection)


def migrate(connection: Any, dialect: Dialect = SQLITE) -> int:
    """Bring the schema up to SCHEMA_VERSION inside the caller's write transaction; returns the old version."""
    version = dialect.read_version(connection)
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"was written by a newer Tapestream (schema version {version}; this one reads up to {SCHEMA_VERSION})"
        )
    if version == 0:
        tables = dialect.table_names(connection)
        if tables - dialect.own_tables:
            raise SchemaError(f"is not a Tapestream run database (it holds other tables: {', '.join(sorted(tables))})")
    for number in range(version, SCHEMA_VERSION):
        for statement in MIGRATIONS[number]:
            connection.execute(rendered(statement, dialect))
        dialect.write_version(connection, number + 1)
    return version
