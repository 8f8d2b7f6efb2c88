"""The store suite runs against both backends: ``location`` is a fresh SQLite file or a fresh PostgreSQL database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from core.store.location import is_postgres_url
from core.store.run_store import RunStore
from core.store.schema import MIGRATIONS, POSTGRESQL, SQLITE, rendered

BACKENDS = ("sqlite", "postgresql")


class RawDatabase:
    """A plain driver connection beside the store, in autocommit, for arranging or inspecting rows by hand."""

    def __init__(self, location: str) -> None:
        self.postgres = is_postgres_url(location)
        if self.postgres:
            import psycopg

            self.connection = psycopg.connect(location, autocommit=True)
        else:
            self.connection = sqlite3.connect(location, isolation_level=None)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """One statement with ``?`` placeholders."""
        if self.postgres:
            return self.connection.execute(sql.replace("?", "%s"), tuple(params) or None)
        return self.connection.execute(sql, params)

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.execute(sql, params).fetchone()[0]

    def migrate_to(self, version: int) -> None:
        """Apply the schema's first `version` migrations by hand, as a store of that version was left."""
        dialect = POSTGRESQL if self.postgres else SQLITE
        for number in range(version):
            for statement in MIGRATIONS[number]:
                self.execute(rendered(statement, dialect))
        dialect.write_version(self, version)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> RawDatabase:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's store lives: a new SQLite file, or a new database on the session's PostgreSQL server."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / "runs.sqlite3")


@pytest.fixture
def store(location: str) -> Iterator[RunStore]:
    with RunStore(location) as opened:
        yield opened


@pytest.fixture
def raw(location: str) -> Iterator[RawDatabase]:
    """A raw connection to the test's store (open the store first, so the schema exists)."""
    RunStore(location).close()
    with RawDatabase(location) as database:
        yield database
