"""Runs that could not be saved when their session closed: kept as JSON files beside the store, imported later.

Each file holds one run's save_run arguments (config, status, events, name, message, final_loss and the trace's
columns; a race's lanes, one file each, also carry their race's sweep_id, so they import as one group again).
The folder is the store's path plus ".recovery", e.g. tapestream.sqlite3.recovery/; for a PostgreSQL store
(which may be the thing that is down) it is tapestream-<database>.recovery/ in the working directory.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from core.store.location import is_postgres_url
from core.store.points import POINT_COLUMNS
from core.store.run_store import RunStore, default_db_path
from core.store.store_errors import StoreError

RECOVERY_SUFFIX = ".recovery"
RECOVERY_VERSION = 1
SAVED_KEYS = ("config", "status", "events", "name", "message", "final_loss", "sweep_id")


def recovery_dir(db_path: str | os.PathLike | None = None) -> pathlib.Path:
    """The folder beside the store that holds its recovered runs (in the working directory for PostgreSQL)."""
    location = db_path if db_path is not None else default_db_path()
    if is_postgres_url(location):
        database = urlsplit(str(location).strip()).path.lstrip("/") or "postgresql"
        return pathlib.Path.cwd() / f"tapestream-{re.sub(r'[^A-Za-z0-9_.-]', '_', database)}{RECOVERY_SUFFIX}"
    path = pathlib.Path(location)
    return path.with_name(path.name + RECOVERY_SUFFIX)


def write_recovery(run: dict[str, Any], db_path: str | os.PathLike | None = None) -> pathlib.Path:
    """Write one run (save_run's arguments, trace columns as lists) to a new file; OSError if that fails too."""
    folder = recovery_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    record = {"version": RECOVERY_VERSION, "saved_at": datetime.now(UTC).isoformat(), **_plain(run)}
    target = folder / f"run-{stamp}.json"
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(record, allow_nan=True), encoding="utf-8")
    partial.replace(target)  # a reader never sees half a file
    return target


def recovered_files(db_path: str | os.PathLike | None = None) -> list[pathlib.Path]:
    """The recovered runs waiting beside the store, oldest first."""
    folder = recovery_dir(db_path)
    return sorted(folder.glob("run-*.json")) if folder.is_dir() else []


def read_recovery(path: pathlib.Path) -> dict[str, Any]:
    """One recovered run as save_run's keyword arguments; StoreError naming the file if it can't be used."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StoreError(f"recovered run {path.name} cannot be read ({error})") from None
    if not isinstance(record, dict) or record.get("version") != RECOVERY_VERSION:
        raise StoreError(f"recovered run {path.name} is not a Tapestream recovery file (version {RECOVERY_VERSION})")
    missing = [key for key in ("config", "status", *POINT_COLUMNS) if key not in record]
    if missing:
        raise StoreError(f"recovered run {path.name} lacks {', '.join(missing)}")
    return {key: record[key] for key in (*SAVED_KEYS, *POINT_COLUMNS) if key in record}


def import_recovered(store: RunStore, path: pathlib.Path) -> int:
    """Save one recovered run in the store, then remove its file; returns the new run id."""
    run_id = store.save_run(**read_recovery(path))
    path.unlink(missing_ok=True)
    return run_id


def _plain(run: dict[str, Any]) -> dict[str, Any]:
    """Trace columns as lists of numbers (NaN and infinities kept as JSON's NaN/Infinity)."""
    plain = {key: run.get(key) for key in SAVED_KEYS if key in run}
    for name in POINT_COLUMNS:
        values = [float(value) for value in run[name]]
        plain[name] = [int(value) for value in values] if name in ("step", "epoch") else values
    if plain.get("final_loss") is not None:
        plain["final_loss"] = float(plain["final_loss"])
    return plain
