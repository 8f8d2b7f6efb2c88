"""The run store: saved runs and their full traces in one SQLite file (WAL), safe across processes and crashes."""

from __future__ import annotations

import itertools
import json
import math
import os
import pathlib
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from core.regression.downsample import joint_indices
from core.store.schema import SCHEMA_VERSION, SchemaError, migrate, schema_version

DB_ENV = "TAPESTREAM_DB"
DEFAULT_DB_NAME = "tapestream.sqlite3"
STATUSES: tuple[str, ...] = ("running", "paused", "done", "diverged")
POINT_COLUMNS: tuple[str, ...] = ("step", "epoch", "w", "b", "loss")
MAX_NAME_CHARS = 200
MAX_TAG_CHARS = 50
MAX_TAGS = 20
MAX_NOTES_CHARS = 10_000
MAX_MESSAGE_CHARS = 10_000
MIN_MAX_POINTS = 8  # one bucket: a min and a max of w, b and loss, plus the first and last rows
LOCK_TIMEOUT_S = 30.0
ROWS_PER_INSERT = 100  # rows per multi-row INSERT statement (500 parameters, under every SQLite limit)
ROWS_PER_BLOCK = 100 * ROWS_PER_INSERT  # rows turned into Python objects at a time, to bound memory
RUN_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "created_at",
    "updated_at",
    "status",
    "config",
    "final_w",
    "final_b",
    "final_loss",
    "steps",
    "events",
    "message",
    "notes",
    "tags",
    "sweep_id",
)
JSON_FIELDS = frozenset({"config", "events", "tags"})


class StoreError(Exception):
    """A run-store problem explained for the user: a bad file, a lock held too long, or bad arguments."""


class RunNotFound(StoreError):  # noqa: N818 (the name is part of the public API)
    """No run has the asked-for id."""

    def __init__(self, run_id: Any) -> None:
        self.run_id = run_id
        super().__init__(f"no run with id {run_id} (see `python -m core runs list`)")


def default_db_path() -> pathlib.Path:
    """$TAPESTREAM_DB if set, else tapestream.sqlite3 in the current working directory."""
    override = os.environ.get(DB_ENV, "").strip()
    return pathlib.Path(override).expanduser() if override else pathlib.Path.cwd() / DEFAULT_DB_NAME


class RunStore:
    """Saved runs in one SQLite file; every method is one transaction, and the object is thread-safe."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = pathlib.Path(path) if path is not None else default_db_path()
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None
        with self._errors():
            self._connection = sqlite3.connect(
                self.path, timeout=LOCK_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            try:
                self._setup()
            except BaseException:
                self._connection.close()
                self._connection = None
                raise

    def __repr__(self) -> str:
        return f"RunStore({str(self.path)!r})"

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _setup(self) -> None:
        connection = self._connection
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA journal_size_limit = 67108864")
        if schema_version(connection) == SCHEMA_VERSION:
            return  # up to date: no write lock needed, so opening never waits for another process's save
        try:
            with self._transaction():
                migrate(connection)
        except SchemaError as error:
            raise StoreError(f"{self.path} {error}; {_MOVE_HINT}") from None

    def close(self) -> None:
        """Close the file; later calls raise StoreError. Closing twice is fine."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    # -- writing ---------------------------------------------------------------------------------------------

    def save_run(
        self,
        *,
        config: dict,
        status: str,
        step: Sequence,
        epoch: Sequence,
        w: Sequence,
        b: Sequence,
        loss: Sequence,
        events: list[dict] = (),
        name: str | None = None,
        notes: str = "",
        tags: list[str] = (),
        sweep_id: str | None = None,
        message: str = "",
        run_id: int | None = None,
    ) -> int:
        """Save a run and all its points in one transaction; returns its id.

        With run_id, that run is replaced in place (same id and created_at): its fields and all its points.
        On a replace, name=None, notes="", tags=() and sweep_id=None keep the stored values, so an autosave
        never undoes a rename, notes or tags made meanwhile. A new run with name=None is called like
        "sgd lr=0.01 #12".
        """
        row = {
            "status": _status(status),
            "config": _json("config", _mapping("config", config)),
            "events": _json("events", _events(events)),
            "message": _text("message", message, MAX_MESSAGE_CHARS),
        }
        columns = _point_columns(step, epoch, w, b, loss)
        row.update(_finals(columns))
        tag_list = _tags(tags)
        given = {
            "name": None if name is None else _name(name),
            "notes": _text("notes", notes, MAX_NOTES_CHARS) or None,
            "tags": _json("tags", tag_list) if tag_list else None,
            "sweep_id": None if sweep_id is None else _sweep_id(sweep_id),
        }
        if run_id is not None:
            run_id = _run_id(run_id)
        with self._write() as connection:
            now = _now()
            if run_id is None:
                run_id = self._insert_row(connection, row, given, config, now)
            else:
                self._replace_row(connection, run_id, row, given, now)
            _insert_points(connection, run_id, columns)
        return run_id

    def _insert_row(self, connection: sqlite3.Connection, row: dict, given: dict, config: Mapping, now: str) -> int:
        values = {
            **row,
            "name": given["name"] or "",
            "notes": given["notes"] or "",
            "tags": given["tags"] or "[]",
            "sweep_id": given["sweep_id"],
            "created_at": now,
            "updated_at": now,
        }
        names = ", ".join(values)
        marks = ", ".join(f":{key}" for key in values)
        run_id = connection.execute(f"INSERT INTO runs ({names}) VALUES ({marks})", values).lastrowid
        if given["name"] is None:
            connection.execute("UPDATE runs SET name = ? WHERE id = ?", (auto_name(config, run_id), run_id))
        return run_id

    def _replace_row(self, connection: sqlite3.Connection, run_id: int, row: dict, given: dict, now: str) -> None:
        values = {**row, **{key: value for key, value in given.items() if value is not None}, "updated_at": now}
        assignments = ", ".join(f"{key} = :{key}" for key in values)
        cursor = connection.execute(f"UPDATE runs SET {assignments} WHERE id = :run_id", {**values, "run_id": run_id})
        if cursor.rowcount == 0:
            raise RunNotFound(run_id)
        connection.execute("DELETE FROM points WHERE run_id = ?", (run_id,))

    def rename(self, run_id: int, name: str) -> None:
        """Give a run a new name (non-empty, at most 200 characters)."""
        self._update(run_id, name=_name(name))

    def set_tags(self, run_id: int, tags: list[str]) -> None:
        """Replace a run's tags (at most 20, each at most 50 characters)."""
        self._update(run_id, tags=_json("tags", _tags(tags)))

    def set_notes(self, run_id: int, notes: str) -> None:
        """Replace a run's notes (at most 10,000 characters)."""
        self._update(run_id, notes=_text("notes", notes, MAX_NOTES_CHARS))

    def _update(self, run_id: int, **values: Any) -> None:
        run_id = _run_id(run_id)
        values["updated_at"] = _now()
        assignments = ", ".join(f"{key} = :{key}" for key in values)
        with self._write() as connection:
            cursor = connection.execute(
                f"UPDATE runs SET {assignments} WHERE id = :run_id", {**values, "run_id": run_id}
            )
            if cursor.rowcount == 0:
                raise RunNotFound(run_id)

    def delete(self, run_id: int) -> None:
        """Delete a run and all its points."""
        run_id = _run_id(run_id)
        with self._write() as connection:
            if connection.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount == 0:
                raise RunNotFound(run_id)
            connection.execute("DELETE FROM points WHERE run_id = ?", (run_id,))

    # -- reading ---------------------------------------------------------------------------------------------

    def list_runs(
        self, text: str | None = None, status: str | None = None, tag: str | None = None, sweep_id: str | None = None
    ) -> list[dict]:
        """Runs newest first, optionally only those matching text (name, notes, tags, message), status, tag, sweep."""
        clauses, params = [], []
        if text is not None and str(text).strip():
            pattern = "%" + _escape_like(str(text).strip()) + "%"
            fields = ("name", "notes", "tags", "message")
            clauses.append("(" + " OR ".join(f"{field} LIKE ? ESCAPE '\\'" for field in fields) + " OR id = ?)")
            params += [pattern] * len(fields) + [str(text).strip()]
        if status is not None:
            clauses.append("status = ?")
            params.append(_status(status))
        if tag is not None:
            clauses.append("EXISTS (SELECT 1 FROM json_each(runs.tags) WHERE json_each.value = ?)")
            params.append(str(tag).strip())
        if sweep_id is not None:
            clauses.append("sweep_id = ?")
            params.append(str(sweep_id))
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        sql = f"SELECT {', '.join(RUN_FIELDS)} FROM runs {where} ORDER BY created_at DESC, id DESC"
        with self._read() as connection:
            return [_run_dict(row) for row in connection.execute(sql, params)]

    def get_run(self, run_id: int) -> dict:
        """One run's fields (the same keys as list_runs)."""
        run_id = _run_id(run_id)
        with self._read() as connection:
            row = connection.execute(f"SELECT {', '.join(RUN_FIELDS)} FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise RunNotFound(run_id)
        return _run_dict(row)

    def points(self, run_id: int, max_points: int | None = None) -> pd.DataFrame:
        """A run's points (step, epoch, w, b, loss); with max_points, min-max downsampled keeping the extremes."""
        run_id = _run_id(run_id)
        if max_points is not None and (
            isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer)) or max_points < MIN_MAX_POINTS
        ):
            raise StoreError(f"max_points={max_points!r} is not allowed: must be a whole number ≥ {MIN_MAX_POINTS}")
        sql = (
            "SELECT step, epoch, ifnull(w, 'NaN'), ifnull(b, 'NaN'), ifnull(loss, 'NaN') "
            "FROM points WHERE run_id = ? ORDER BY step"
        )
        with self._read() as connection:
            if connection.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
                raise RunNotFound(run_id)
            table = np.fromiter(connection.execute(sql, (run_id,)), dtype=_POINT_DTYPE)
        frame = pd.DataFrame({name: table[name] for name in POINT_COLUMNS})
        if max_points is not None and len(frame) > max_points:
            keep = joint_indices([table["w"], table["b"], table["loss"]], max_points)
            frame = frame.iloc[keep].reset_index(drop=True)
        return frame

    # -- connection handling ---------------------------------------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn sqlite3 errors into StoreError messages that name the file and what to do."""
        try:
            yield
        except sqlite3.Error as error:
            raise StoreError(_explain(self.path, error)) from None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: waits up to LOCK_TIMEOUT_S for other writers; all or nothing."""
        with self._lock, self._errors():
            self._check_open()
            with self._transaction() as connection:
                yield connection

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction, so a multi-query read sees a single snapshot."""
        with self._lock, self._errors():
            connection = self._check_open()
            connection.execute("BEGIN")
            try:
                yield connection
            finally:
                connection.execute("COMMIT")

    def _check_open(self) -> sqlite3.Connection:
        if self._connection is None:
            raise StoreError(f"the run store {self.path} is closed")
        return self._connection


_MOVE_HINT = f"move it away or set {DB_ENV} to another path"
_POINT_DTYPE = np.dtype(
    [("step", np.int64), ("epoch", np.int64), ("w", np.float64), ("b", np.float64), ("loss", np.float64)]
)


def _explain(path: pathlib.Path, error: sqlite3.Error) -> str:
    """A one-line explanation of an sqlite3 error."""
    text = str(error)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return f"{path} is locked by another process for more than {LOCK_TIMEOUT_S:g} s ({text}); try again"
    if "not a database" in lowered or "malformed" in lowered or "encrypted" in lowered:
        return f"{path} is not a Tapestream run database ({text}); {_MOVE_HINT}"
    if "unable to open" in lowered:
        return f"cannot open {path} ({text}): does its folder exist and can you write there? Or set {DB_ENV}"
    if "readonly" in lowered or "read-only" in lowered:
        return f"cannot write {path} ({text}): check its permissions, or set {DB_ENV} to another path"
    return f"run database {path}: {text}"


def _insert_points(connection: sqlite3.Connection, run_id: int, columns: dict[str, np.ndarray]) -> None:
    """Insert all points with multi-row INSERTs, a block of rows at a time."""
    n_rows = len(columns["step"])
    per_row = len(POINT_COLUMNS)
    full_sql = _points_sql(run_id, ROWS_PER_INSERT)
    width = per_row * ROWS_PER_INSERT
    for start in range(0, n_rows, ROWS_PER_BLOCK):
        stop = min(start + ROWS_PER_BLOCK, n_rows)
        block = [columns[name][start:stop].tolist() for name in POINT_COLUMNS]
        flat = list(itertools.chain.from_iterable(zip(*block)))
        whole = (stop - start) // ROWS_PER_INSERT * width
        connection.executemany(full_sql, (flat[at : at + width] for at in range(0, whole, width)))
        if whole < len(flat):
            connection.execute(_points_sql(run_id, (len(flat) - whole) // per_row), flat[whole:])


def _points_sql(run_id: int, n_rows: int) -> str:
    row = f"({int(run_id)}, ?, ?, ?, ?, ?)"
    return "INSERT INTO points (run_id, step, epoch, w, b, loss) VALUES " + ", ".join([row] * n_rows)


def _run_dict(row: Sequence) -> dict:
    run = dict(zip(RUN_FIELDS, row))
    for field in JSON_FIELDS:
        run[field] = json.loads(run[field])
    return run


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def auto_name(config: Mapping, run_id: int) -> str:
    """A default run name such as "sgd lr=0.01 #12"."""
    optimizer = config.get("optimizer")
    rate = config.get("learning_rate")
    label = " ".join(
        part
        for part in (
            str(optimizer) if optimizer else "",
            f"lr={rate:g}" if isinstance(rate, (int, float)) and not isinstance(rate, bool) else "",
        )
        if part
    )
    return f"{label or 'run'} #{run_id}"


# -- validation ----------------------------------------------------------------------------------------------


def _run_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise StoreError(f"run id {value!r} is not allowed: must be a whole number ≥ 1")
    return int(value)


def _status(value: Any) -> str:
    if value not in STATUSES:
        raise StoreError(f"status={value!r} is not allowed: must be one of {', '.join(STATUSES)}")
    return value


def _text(field: str, value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise StoreError(f"{field} must be text, got {type(value).__name__}")
    if len(value) > limit:
        raise StoreError(f"{field} is {len(value):,} characters long; at most {limit:,} are allowed")
    return value


def _name(value: Any) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name or len(name) > MAX_NAME_CHARS:
        raise StoreError(f"name={value!r} is not allowed: must be 1 to {MAX_NAME_CHARS} characters (not just spaces)")
    return name


def _sweep_id(value: Any) -> str:
    sweep_id = _text("sweep_id", value, MAX_NAME_CHARS).strip()
    if not sweep_id:
        raise StoreError("sweep_id must not be empty (use None for a run outside any sweep)")
    return sweep_id


def _tags(values: Any) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise StoreError(f"tags must be a list of strings, got {values!r}")
    tags: list[str] = []
    for value in values:
        tag = value.strip() if isinstance(value, str) else ""
        if not tag or len(tag) > MAX_TAG_CHARS:
            raise StoreError(f"tag {value!r} is not allowed: each tag must be 1 to {MAX_TAG_CHARS} characters")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise StoreError(f"{len(tags)} tags given; at most {MAX_TAGS} are allowed")
    return tags


def _mapping(field: str, value: Any) -> dict:
    if not isinstance(value, Mapping):
        raise StoreError(f"{field} must be a dict, got {type(value).__name__}")
    return dict(value)


def _events(values: Any) -> list[dict]:
    if isinstance(values, (str, Mapping)) or not isinstance(values, Sequence):
        raise StoreError(f"events must be a list of dicts, got {type(values).__name__}")
    return [_mapping("each event", value) for value in values]


def _json(field: str, value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True, default=_json_default)
    except (TypeError, ValueError) as error:
        raise StoreError(f"{field} cannot be stored as JSON: {error}") from None


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} values are not allowed (only numbers, text, lists and dicts)")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _point_columns(step: Any, epoch: Any, w: Any, b: Any, loss: Any) -> dict[str, np.ndarray]:
    """The five point columns as 1-D arrays of one length, steps strictly increasing; else StoreError."""
    columns = {"step": _integers("step", step), "epoch": _integers("epoch", epoch)}
    for name, values in (("w", w), ("b", b), ("loss", loss)):
        try:
            columns[name] = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise StoreError(f"{name} must be an array of numbers") from None
    lengths = {name: values.shape for name, values in columns.items()}
    if any(len(shape) != 1 for shape in lengths.values()) or len(set(lengths.values())) != 1:
        raise StoreError(f"step, epoch, w, b and loss must be 1-D and of the same length; got shapes {lengths}")
    if np.any(np.diff(columns["step"]) <= 0):
        raise StoreError("step values must be strictly increasing")
    return columns


def _integers(name: str, values: Any) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
        return array.astype(np.int64)
    if array.size == 0:
        return array.astype(np.int64)
    raise StoreError(f"{name} must be an array of whole numbers")


def _finals(columns: dict[str, np.ndarray]) -> dict[str, Any]:
    if len(columns["step"]) == 0:
        return {"final_w": None, "final_b": None, "final_loss": None, "steps": 0}
    finals = {f"final_{name}": float(columns[name][-1]) for name in ("w", "b", "loss")}
    finals = {key: value if not math.isnan(value) else None for key, value in finals.items()}
    return {**finals, "steps": int(columns["step"][-1])}
