"""What RunStore needs from a backend: one connection, its transactions, '?'-style SQL, point I/O and its errors."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from core.store.schema import Dialect


class Backend(Protocol):
    """One open connection to a run database. SQL uses ``?`` placeholders; no SQL text holds ``?`` or ``%``."""

    dialect: Dialect
    shown: str  # the location as messages name it (a URL's password hidden)
    path: pathlib.Path | str  # what RunStore.path reports
    text_match: str  # the case-insensitive match operator, used as "field <text_match> ? ESCAPE '\\'"
    tag_clause: str  # SQL true when the runs row's JSON tags list holds the bound value

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; the result has fetchone(), fetchall(), iteration and rowcount."""

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run one INSERT INTO runs ...; returns the new row's id."""

    def begin_write(self, lock_timeout_s: float) -> None:
        """Start a write transaction that waits at most lock_timeout_s for other writers (then explain() says so)."""

    def begin_read(self) -> None:
        """Start a read transaction: every query inside sees one snapshot."""

    def commit(self) -> None: ...

    def rollback(self) -> None:
        """Undo the open transaction, if any (never raises for a connection that is already gone)."""

    def insert_points(self, run_id: int, columns: dict[str, np.ndarray]) -> None:
        """Write a run's point columns inside the open transaction."""

    def read_points(self, run_id: int) -> np.ndarray:
        """A run's points as a POINT_DTYPE array ordered by step; NaN where the store holds none."""

    def explain(self, error: BaseException) -> str | None:
        """A one-line message for a driver error, or None if error is not the driver's."""

    def close(self) -> None: ...


def open_backend(location: str | os.PathLike, lock_timeout_s: float) -> Backend:
    """A SQLite backend for a path, a PostgreSQL one (psycopg, imported only then) for a postgresql:// URL."""
    from core.store.location import is_postgres_url

    if is_postgres_url(location):
        from core.store.backends.postgres_backend import PostgresBackend

        return PostgresBackend(str(location), lock_timeout_s)
    from core.store.backends.sqlite_backend import SqliteBackend

    return SqliteBackend(pathlib.Path(location), lock_timeout_s)
