"""The run store in one SQLite file (WAL mode): its connection, transactions, point SQL and error messages."""

from __future__ import annotations

import pathlib
import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np

from core.store.location import DB_ENV
from core.store.points import POINT_DTYPE, insert_points
from core.store.schema import SQLITE
from core.store.store_errors import StoreError

MOVE_HINT = f"move it away or set {DB_ENV} to another path"
POINTS_SQL = (
    "SELECT step, epoch, ifnull(w, 'NaN'), ifnull(b, 'NaN'), ifnull(loss, 'NaN') "
    "FROM points WHERE run_id = ? ORDER BY step"
)


class SqliteBackend:
    """One sqlite3 connection in autocommit mode; transactions are explicit BEGIN/COMMIT statements."""

    dialect = SQLITE
    text_match = "LIKE"
    tag_clause = "EXISTS (SELECT 1 FROM json_each(runs.tags) WHERE json_each.value = ?)"

    def __init__(self, path: pathlib.Path, lock_timeout_s: float) -> None:
        self.path = path
        self.shown = str(path)
        self.lock_timeout_s = lock_timeout_s
        try:
            self.connection = sqlite3.connect(
                path, timeout=lock_timeout_s, isolation_level=None, check_same_thread=False
            )
            try:
                self.connection.execute("PRAGMA journal_mode = WAL")
                self.connection.execute("PRAGMA synchronous = NORMAL")
                self.connection.execute("PRAGMA journal_size_limit = 67108864")
            except BaseException:
                self.connection.close()
                raise
        except sqlite3.Error as error:
            raise StoreError(self.explain(error)) from None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.connection.execute(sql, params)

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        return self.connection.execute(sql, params).lastrowid

    def begin_write(self, lock_timeout_s: float) -> None:
        self.lock_timeout_s = lock_timeout_s
        self.connection.execute(f"PRAGMA busy_timeout = {int(lock_timeout_s * 1000)}")
        self.connection.execute("BEGIN IMMEDIATE")

    def begin_read(self) -> None:
        self.connection.execute("BEGIN")

    def commit(self) -> None:
        self.connection.execute("COMMIT")

    def rollback(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")

    def insert_points(self, run_id: int, columns: dict[str, np.ndarray]) -> None:
        insert_points(self.connection, run_id, columns)

    def read_points(self, run_id: int) -> np.ndarray:
        return np.fromiter(self.connection.execute(POINTS_SQL, (run_id,)), dtype=POINT_DTYPE)

    def explain(self, error: BaseException) -> str | None:
        """A one-line explanation of an sqlite3 error that names the file and what to do."""
        if not isinstance(error, sqlite3.Error):
            return None
        path, text = self.path, str(error)
        lowered = text.lower()
        if "locked" in lowered or "busy" in lowered:
            return f"{path} is locked by another process for more than {self.lock_timeout_s:g} s ({text}); try again"
        if "not a database" in lowered or "malformed" in lowered or "encrypted" in lowered:
            return f"{path} is not a Tapestream run database ({text}); {MOVE_HINT}"
        if "unable to open" in lowered:
            return f"cannot open {path} ({text}): does its folder exist and can you write there? Or set {DB_ENV}"
        if "readonly" in lowered or "read-only" in lowered:
            return f"cannot write {path} ({text}): check its permissions, or set {DB_ENV} to another path"
        return f"run database {path}: {text}"

    def close(self) -> None:
        self.connection.close()
