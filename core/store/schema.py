"""The run store's SQLite schema: numbered migrations applied in order, tracked by PRAGMA user_version."""

from __future__ import annotations

import sqlite3

# MIGRATIONS[i] takes a database from schema version i to i + 1. Append new steps; never edit old ones.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            status TEXT NOT NULL,
            config TEXT NOT NULL,
            final_w REAL,
            final_b REAL,
            final_loss REAL,
            steps INTEGER NOT NULL DEFAULT 0,
            events TEXT NOT NULL DEFAULT '[]',
            message TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE points (
            run_id INTEGER NOT NULL,
            step INTEGER NOT NULL,
            epoch INTEGER NOT NULL,
            w REAL,
            b REAL,
            loss REAL,
            PRIMARY KEY (run_id, step)
        ) WITHOUT ROWID""",
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
        "ALTER TABLE runs ADD COLUMN final_step_loss REAL",
        "UPDATE runs SET final_step_loss = final_loss",
        # One live run (one session's run from open to Reset) keeps one key, so however often it is saved, and
        # whatever interrupts a save, it is one row.
        "ALTER TABLE runs ADD COLUMN run_key TEXT",
        "CREATE UNIQUE INDEX runs_by_key ON runs (run_key) WHERE run_key IS NOT NULL",
        # Older versions could leave a live run saved as "running" after its session stopped; none runs now.
        "UPDATE runs SET status = 'paused' WHERE status = 'running'",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
OUR_TABLES = frozenset({"runs", "points", "sqlite_sequence"})


class SchemaError(Exception):
    """The file is SQLite but not a run database this version can use; the message is a predicate on the file."""


def schema_version(connection: sqlite3.Connection) -> int:
    """The file's PRAGMA user_version."""
    return connection.execute("PRAGMA user_version").fetchone()[0]


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the schema up to SCHEMA_VERSION inside the caller's write transaction; returns the old version."""
    version = schema_version(connection)
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"was written by a newer Tapestream (schema version {version}; this one reads up to {SCHEMA_VERSION})"
        )
    if version == 0:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables - OUR_TABLES:
            raise SchemaError(f"is not a Tapestream run database (it holds other tables: {', '.join(sorted(tables))})")
    for number in range(version, SCHEMA_VERSION):
        for statement in MIGRATIONS[number]:
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {number + 1}")
    return version
