"""The run store on a PostgreSQL server (psycopg 3, imported only here): transactions, COPY for points, messages.

Writers take one transaction-level advisory lock, so saves are serialised exactly as SQLite's BEGIN IMMEDIATE
serialises them (a run_key lookup and its insert, or an append's last-step check, can never interleave with another
writer's). Readers never wait: each read is one REPEATABLE READ snapshot. Idle connections are kept per URL and
reused, so opening a RunStore per page rerun costs no new login.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from core.store.backends.copy_points import HEADER, TRAILER, WRITTEN, copy_rows, point_table
from core.store.location import DB_ENV, shown_url
from core.store.schema import POSTGRESQL
from core.store.store_errors import StoreConfigError

WRITE_LOCK_KEY = 0x7A9E_57E4  # pg_advisory_xact_lock key held by every write transaction
CONNECT_TIMEOUT_S = 5
ROWS_PER_COPY_CHUNK = 100_000
IDLE_CONNECTIONS_PER_URL = 4
POINTS_SQL = (  # one bytea of big-endian rows, so 1,000,000 points cross as one value, not a million rows
    "SELECT string_agg(int8send(step) || int8send(epoch) || float8send(coalesce(w, 'NaN')) "
    "|| float8send(coalesce(b, 'NaN')) || float8send(coalesce(loss, 'NaN')), ''::bytea ORDER BY step) "
    "FROM points WHERE run_id = %s"
)

_idle: dict[str, list[Any]] = {}
_idle_lock = threading.Lock()


class PostgresBackend:
    """One psycopg connection in autocommit mode; transactions are explicit BEGIN/COMMIT statements."""

    dialect = POSTGRESQL
    text_match = "ILIKE"
    tag_clause = "(runs.tags::jsonb) @> jsonb_build_array(?::text)"

    def __init__(self, url: str, lock_timeout_s: float) -> None:
        import psycopg

        self._psycopg = psycopg
        self.url = url.strip()
        self.shown = self.path = shown_url(self.url)
        self.lock_timeout_s = lock_timeout_s
        self.connection = self._reused() or self._connect()

    def _connect(self) -> Any:
        try:
            return self._psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except self._psycopg.OperationalError as error:
            raise StoreConfigError(self.explain(error)) from None
        except Exception as error:  # a malformed URL or option: psycopg raises ProgrammingError or ValueError
            raise StoreConfigError(f"{self.shown} is not a usable PostgreSQL URL ({_clean(error, self.url)})") from None

    def _reused(self) -> Any:
        """An idle connection to this URL that still answers, or None."""
        while True:
            with _idle_lock:
                pool = _idle.get(self.url)
                connection = pool.pop() if pool else None
            if connection is None:
                return None
            try:
                connection.execute("SELECT 1")
                return connection
            except self._psycopg.Error:
                connection.close()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.connection.execute(sql.replace("?", "%s"), tuple(params))

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        return self.execute(sql + " RETURNING id", params).fetchone()[0]

    def begin_write(self, lock_timeout_s: float) -> None:
        self.lock_timeout_s = lock_timeout_s
        self.connection.execute("BEGIN")
        self.connection.execute(f"SET LOCAL lock_timeout = {int(lock_timeout_s * 1000)}")
        self.connection.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")

    def begin_read(self) -> None:
        self.connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def commit(self) -> None:
        self.connection.execute("COMMIT")

    def rollback(self) -> None:
        if self.connection.closed:
            return
        if self.connection.info.transaction_status != self._psycopg.pq.TransactionStatus.IDLE:
            try:
                self.connection.execute("ROLLBACK")
            except self._psycopg.Error:
                self.connection.close()

    def insert_points(self, run_id: int, columns: dict[str, np.ndarray]) -> None:
        n_rows = len(columns["step"])
        if n_rows == 0:
            return
        sql = f"COPY points ({', '.join(WRITTEN)}) FROM STDIN (FORMAT BINARY)"
        with self.connection.cursor() as cursor, cursor.copy(sql) as copy:
            copy.write(HEADER)
            for start in range(0, n_rows, ROWS_PER_COPY_CHUNK):
                copy.write(copy_rows(run_id, columns, start, min(start + ROWS_PER_COPY_CHUNK, n_rows)))
            copy.write(TRAILER)

    def read_points(self, run_id: int) -> np.ndarray:
        with self.connection.cursor(binary=True) as cursor:
            data = cursor.execute(POINTS_SQL, (int(run_id),)).fetchone()[0]
        return point_table(data or b"")

    def explain(self, error: BaseException) -> str | None:
        """A one-line message for a psycopg error, naming the URL with its password hidden."""
        psycopg = self._psycopg
        if not isinstance(error, psycopg.Error):
            return None
        text = _clean(error, self.url)
        lowered = text.lower()
        where = f"the PostgreSQL run store {self.shown}"
        if isinstance(error, psycopg.errors.LockNotAvailable) or "lock timeout" in lowered:
            return f"{where} is locked by another writer for more than {self.lock_timeout_s:g} s; try again"
        if "password authentication failed" in lowered or "no password supplied" in lowered:
            return f"cannot log in to {where}: wrong user name or password ({text}); check {DB_ENV}"
        if "does not exist" in lowered and "database" in lowered:
            return f"{where} names a database that does not exist ({text}); create it (createdb) or fix {DB_ENV}"
        if isinstance(error, psycopg.OperationalError) and (
            "connection" in lowered or "timeout" in lowered or "could not" in lowered or "server" in lowered
        ):
            return f"cannot reach {where} ({text}): is the server running and reachable? Or fix {DB_ENV}"
        return f"{where}: {text}"

    def close(self) -> None:
        connection = self.connection
        if connection.closed or connection.info.transaction_status != self._psycopg.pq.TransactionStatus.IDLE:
            connection.close()
            return
        with _idle_lock:
            pool = _idle.setdefault(self.url, [])
            if len(pool) < IDLE_CONNECTIONS_PER_URL:
                pool.append(connection)
                return
        connection.close()


def _clean(error: BaseException, url: str) -> str:
    """The driver's message on one line, never echoing the URL's password."""
    text = " ".join(str(error).split())
    from urllib.parse import urlsplit

    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    if password:
        text = text.replace(password, "***")
    return text
