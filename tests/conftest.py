"""Shared pytest set-up: quiet TensorFlow logs, a scratch run store, and a throwaway PostgreSQL server on request."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg_server import PgServer, PgUnavailableError

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# A test that saves without naming a store must never write ./tapestream.sqlite3 in the checkout.
os.environ.setdefault("TAPESTREAM_DB", str(Path(tempfile.mkdtemp(prefix="tapestream-tests-")) / "runs.sqlite3"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One throwaway PostgreSQL server for the session. Skips where PostgreSQL is missing; under CI it fails."""
    try:
        server = PgServer()
    except PgUnavailableError as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and never skipped there: {error}")
        pytest.skip(f"PostgreSQL is not available here: {error}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """The URL of a fresh, empty database on the session's server."""
    return pg_server.create_database()
