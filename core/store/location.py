"""Where the run store lives: a SQLite file path or a postgresql:// URL (from $TAPESTREAM_DB), and how it is named."""

from __future__ import annotations

import os
import pathlib
import re
from urllib.parse import urlsplit, urlunsplit

DB_ENV = "TAPESTREAM_DB"
DEFAULT_DB_NAME = "tapestream.sqlite3"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
HIDDEN_PASSWORD = "***"


def is_postgres_url(location: object) -> bool:
    """Whether location is a postgresql:// (or postgres://) URL rather than a SQLite file path."""
    return isinstance(location, str) and location.strip().lower().startswith(POSTGRES_SCHEMES)


def default_db_path() -> pathlib.Path | str:
    """$TAPESTREAM_DB if set (a postgresql:// URL stays a str), else tapestream.sqlite3 in the working directory."""
    override = os.environ.get(DB_ENV, "").strip()
    if is_postgres_url(override):
        return override
    return pathlib.Path(override).expanduser() if override else pathlib.Path.cwd() / DEFAULT_DB_NAME


def shown_url(url: str) -> str:
    """The URL as messages show it: its password replaced by ***."""
    try:
        parts = urlsplit(url.strip())
        query = re.sub(r"(?i)(^|&)password=[^&]*", rf"\1password={HIDDEN_PASSWORD}", parts.query)
        netloc = parts.netloc
        if parts.password is not None:
            netloc = f"{parts.username or ''}:{HIDDEN_PASSWORD}@{netloc.rpartition('@')[2]}"
        return urlunsplit(parts._replace(netloc=netloc, query=query))
    except ValueError:
        return "the postgresql:// URL in " + DB_ENV  # unparsable: never echo what may hold a password
