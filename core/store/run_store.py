"""The run store's API in one place: saved runs and their full traces, in SQLite or PostgreSQL, crash-safe.

``RunStore(path=None)`` opens (and migrates) the store at ``path``, ``$TAPESTREAM_DB`` or ./tapestream.sqlite3: a
file path is a SQLite file (WAL), a ``postgresql://user:pass@host:port/db`` URL a PostgreSQL database.
Every method is one transaction; every problem raises ``StoreError`` (``RunNotFound`` for an unknown id).

- ``save_run(config, status, step, epoch, w, b, loss, ...) -> id``: a new run, or ``run_id=`` (or the
  ``run_key=`` of a stored run) replaces one. ``final_loss`` is the mean loss over the data at the final point;
  the run's ``final_step_loss`` is its last step's own loss.
- ``save_runs([run, ...]) -> [id]``: several runs (a sweep) in one transaction, all or none.
- ``append_run(id, ...)``: a live run's later save, writing only the points after its last stored one.
- ``last_point(id) -> {step, w, b, loss} | None``.
- ``rename(id, name)``, ``set_tags(id, tags)``, ``set_notes(id, notes)``, ``delete(id)``.
- ``list_runs(text=, status=, tag=, sweep_id=) -> [run]``: newest first, without points.
- ``get_run(id) -> run``: the fields of ``RUN_FIELDS``, with config, events and tags decoded.
- ``points(id, max_points=None) -> DataFrame``: step, epoch, w, b, loss; min-max downsampled on request.
- ``chart_overviews([id or run, ...]) -> {id: ChartOverview}``: each run's chart frame and steps to converge, kept
  per run version in run_overviews (written with the run; built from the points and kept on a first read).
- ``save_dataset(dataset) -> hash``: a user's data set, stored once per content hash; ``dataset(hash)`` reads it.

Value checks live in core.store.values, point arrays in core.store.points, the schema with its migrations
in core.store.schema, chart overviews in core.store.chart_overview, and each database's connection, transactions
and point I/O in core.store.backends.
"""

from __future__ import annotations

import json
import os
import pathlib
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from core.regression.dataset import Dataset
from core.regression.downsample import joint_indices
from core.store.backends.backend_api import Backend, open_backend
from core.store.chart_overview import ChartOverview, overview_of, overview_of_columns, unpacked
from core.store.location import DB_ENV, DEFAULT_DB_NAME, default_db_path, is_postgres_url
from core.store.points import POINT_COLUMNS, final_values, point_columns
from core.store.schema import SCHEMA_VERSION, SchemaError, migrate, schema_version
from core.store.store_errors import RunNotFound, StoreConfigError, StoreError
from core.store.values import (
    MAX_MESSAGE_CHARS,
    MAX_NOTES_CHARS,
    auto_name,
    events_value,
    json_text,
    mapping_value,
    name_value,
    run_id_value,
    run_key_value,
    status_value,
    sweep_id_value,
    tags_value,
    text_value,
)

__all__ = ["DB_ENV", "DEFAULT_DB_NAME", "RunNotFound", "RunStore", "StoreConfigError", "StoreError", "default_db_path"]
MIN_MAX_POINTS = 8  # one bucket: a min and a max of w, b and loss, plus the first and last rows
LOCK_TIMEOUT_S = 30.0
BACKFILL_LOCK_TIMEOUT_S = 0.25  # a read's write-back of overviews gives up this soon rather than wait for a save
IDS_PER_QUERY = 500
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
    "final_step_loss",
    "steps",
    "events",
    "message",
    "notes",
    "tags",
    "sweep_id",
    "converged_step",
)
JSON_FIELDS = frozenset({"config", "events", "tags"})


class RunStore:
    """Saved runs in one SQLite file or PostgreSQL database; every method is one transaction; thread-safe.

    ``path`` is the SQLite file's Path, or for PostgreSQL the URL with its password hidden (what messages show).
    """

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        location = path if path is not None else default_db_path()
        if not is_postgres_url(location):
            location = pathlib.Path(location)
        self._lock = threading.RLock()
        self._backend: Backend | None = None
        backend = open_backend(location, LOCK_TIMEOUT_S)
        self.path = backend.path
        try:
            with self._errors(backend):
                self._setup(backend)
        except BaseException:
            backend.rollback()
            backend.close()
            raise
        self._backend = backend

    def __repr__(self) -> str:
        return f"RunStore({str(self.path)!r})"

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _setup(self, backend: Backend) -> None:
        if schema_version(backend, backend.dialect) == SCHEMA_VERSION:
            return  # up to date: no write lock needed, so opening never waits for another process's save
        try:
            with self._transaction(backend):
                migrate(backend, backend.dialect)  # re-reads the version under the write lock
        except SchemaError as error:
            raise StoreConfigError(f"{backend.shown} {error}; {_move_hint(backend)}") from None

    def close(self) -> None:
        """Close the store; later calls raise StoreError. Closing twice is fine."""
        with self._lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None

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
        final_loss: float | None = None,
        run_key: str | None = None,
        converged_step: int | None = None,
    ) -> int:
        """Save a run and all its points in one transaction; returns its id.

        With run_id (or the run_key of a stored run), that run is replaced in place (same id and created_at): its
        fields and all its points. On a replace, name=None, notes="", tags=() and sweep_id=None keep the stored
        values, so an autosave never undoes a rename, notes or tags made meanwhile; an auto-name follows the new
        config. A new run with name=None is called like "sgd lr=0.01 #12". final_loss is the mean loss over all the
        data at the final (w, b); without it the last step's loss is stored there.
        """
        return self.save_runs([{k: v for k, v in locals().items() if k != "self"}])[0]

    def save_runs(self, runs: Sequence[Mapping[str, Any]]) -> list[int]:
        """Save several runs (each a dict of save_run's keyword arguments) in ONE transaction: all or none."""
        try:
            prepared = [_prepare(**run) for run in runs]
        except TypeError as error:
            raise StoreError(f"a run to save has an unknown or missing value: {error}") from None
        for run in prepared:  # before the write lock: other writers never wait for the downsampling
            run["overview"] = overview_of_columns(
                run["columns"], json.loads(run["row"]["config"]), run["row"]["converged_step"]
            )
        with self._write() as connection:
            now = _now()
            return [self._write_prepared(connection, run, now) for run in prepared]

    def append_run(
        self,
        run_id: int,
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
        message: str = "",
        final_loss: float | None = None,
        converged_step: int | None = None,
    ) -> int:
        """A live run's later save: add only its new points (after its last stored step) and update its fields.

        One transaction. RunNotFound if the run was deleted; StoreError if the first new step is not after the
        stored last one (the caller then replaces the run with save_run). Returns run_id.
        """
        run = _prepare(
            config=config,
            status=status,
            step=step,
            epoch=epoch,
            w=w,
            b=b,
            loss=loss,
            events=events,
            name=name,
            message=message,
            run_id=run_id,
            final_loss=final_loss,
            converged_step=converged_step,
        )
        columns = run["columns"]
        with self._write() as connection:
            stored = connection.execute(
                "SELECT (SELECT max(step) FROM points WHERE run_id = ?) FROM runs WHERE id = ?", (run_id, run_id)
            ).fetchone()
            if stored is None:
                raise RunNotFound(run_id)
            last = stored[0]
            if len(columns["step"]) and last is not None and columns["step"][0] <= last:
                raise StoreError(f"run {run_id} already holds step {last}; new points must start after it")
            row = dict(run["row"])
            if not len(columns["step"]):  # nothing new: keep the stored final point, update the rest
                row = {key: value for key, value in row.items() if key not in _POINT_FINALS}
                if final_loss is None:
                    row.pop("final_loss")
            self._update_row(connection, run_id, row, run["given"], run["config"], _now())
            connection.insert_points(run_id, columns)
            connection.execute("DELETE FROM run_overviews WHERE run_id = ?", (run_id,))  # rebuilt on its next read
        return run_id

    def _write_prepared(self, connection: Backend, run: dict, now: str) -> int:
        run_id, key = run["run_id"], run["given"]["run_key"]
        if run_id is None and key is not None:
            found = connection.execute("SELECT id FROM runs WHERE run_key = ?", (key,)).fetchone()
            run_id = found[0] if found else None
        if run_id is None:
            run_id = self._insert_row(connection, run["row"], run["given"], run["config"], now)
        else:
            self._update_row(connection, run_id, run["row"], run["given"], run["config"], now)
            connection.execute("DELETE FROM points WHERE run_id = ?", (run_id,))
        connection.insert_points(run_id, run["columns"])
        _put_overview(connection, run_id, now, run["overview"])
        return run_id

    def _insert_row(self, connection: Backend, row: dict, given: dict, config: Mapping, now: str) -> int:
        values = {
            **row,
            "name": given["name"] or "",
            "notes": given["notes"] or "",
            "tags": given["tags"] or "[]",
            "sweep_id": given["sweep_id"],
            "run_key": given["run_key"],
            "created_at": now,
            "updated_at": now,
        }
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        run_id = connection.insert_id(f"INSERT INTO runs ({names}) VALUES ({marks})", list(values.values()))
        if given["name"] is None:
            connection.execute("UPDATE runs SET name = ? WHERE id = ?", (auto_name(config, run_id), run_id))
        return run_id

    def _update_row(self, connection: Backend, run_id: int, row: dict, given: dict, config: Mapping, now: str) -> None:
        """Update a stored run's fields; RunNotFound if it is gone. An auto-name follows the new config."""
        stored = connection.execute("SELECT name, config FROM runs WHERE id = ?", (run_id,)).fetchone()
        if stored is None:
            raise RunNotFound(run_id)
        values = {**row, **{key: value for key, value in given.items() if value is not None}, "updated_at": now}
        if given["name"] is None and stored[0] == auto_name(json.loads(stored[1]), run_id):
            values["name"] = auto_name(config, run_id)
        assignments = ", ".join(f"{key} = ?" for key in values)
        connection.execute(f"UPDATE runs SET {assignments} WHERE id = ?", [*values.values(), run_id])

    def rename(self, run_id: int, name: str) -> None:
        """Give a run a new name (non-empty, at most 200 characters)."""
        self._update(run_id, name=name_value(name))

    def set_tags(self, run_id: int, tags: list[str]) -> None:
        """Replace a run's tags (at most 20, each at most 50 characters)."""
        self._update(run_id, tags=json_text("tags", tags_value(tags)))

    def set_notes(self, run_id: int, notes: str) -> None:
        """Replace a run's notes (at most 10,000 characters)."""
        self._update(run_id, notes=text_value("notes", notes, MAX_NOTES_CHARS))

    def _update(self, run_id: int, **values: Any) -> None:
        run_id = run_id_value(run_id)
        values["updated_at"] = _now()
        assignments = ", ".join(f"{key} = ?" for key in values)
        with self._write() as connection:
            # The points did not change: a valid overview stays valid for the new version (a stale one stays stale).
            connection.execute(
                "UPDATE run_overviews SET updated_at = ? "
                "WHERE run_id = ? AND updated_at = (SELECT updated_at FROM runs WHERE id = ?)",
                (values["updated_at"], run_id, run_id),
            )
            cursor = connection.execute(f"UPDATE runs SET {assignments} WHERE id = ?", [*values.values(), run_id])
            if cursor.rowcount == 0:
                raise RunNotFound(run_id)

    def delete(self, run_id: int) -> None:
        """Delete a run and all its points."""
        run_id = run_id_value(run_id)
        with self._write() as connection:
            if connection.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount == 0:
                raise RunNotFound(run_id)
            connection.execute("DELETE FROM points WHERE run_id = ?", (run_id,))
            connection.execute("DELETE FROM run_overviews WHERE run_id = ?", (run_id,))

    def save_dataset(self, dataset: Dataset) -> str:
        """Keep a user's data set (once per content hash: saving it again writes nothing); returns its hash."""
        values = (
            dataset.hash,
            text_value("name", dataset.name, MAX_MESSAGE_CHARS),
            text_value("x_name", dataset.x_name, MAX_MESSAGE_CHARS),
            text_value("y_name", dataset.y_name, MAX_MESSAGE_CHARS),
            len(dataset),
            dataset.x.astype("<f4").tobytes(),
            dataset.y.astype("<f4").tobytes(),
            _now(),
        )
        with self._write() as connection:
            connection.execute(
                "INSERT INTO datasets (hash, name, x_name, y_name, n_rows, x, y, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING",
                values,
            )
        return dataset.hash

    def dataset(self, data_hash: str) -> Dataset | None:
        """A stored data set by its content hash, or None if the store does not hold it."""
        with self._read() as connection:
            row = connection.execute(
                "SELECT name, x_name, y_name, x, y FROM datasets WHERE hash = ?", (str(data_hash),)
            ).fetchone()
        if row is None:
            return None
        name, x_name, y_name, x, y = row
        return Dataset.of(np.frombuffer(bytes(x), "<f4"), np.frombuffer(bytes(y), "<f4"), x_name, y_name, name)

    def dataset_count(self) -> int:
        """How many data sets the store holds."""
        with self._read() as connection:
            return connection.execute("SELECT count(*) FROM datasets").fetchone()[0]

    # -- reading ---------------------------------------------------------------------------------------------

    def list_runs(
        self, text: str | None = None, status: str | None = None, tag: str | None = None, sweep_id: str | None = None
    ) -> list[dict]:
        """Runs newest first, optionally only those matching text (name, notes, tags, message), status, tag, sweep."""
        with self._read() as connection:
            where, params = _run_filter(connection, text, status, tag, sweep_id)
            sql = f"SELECT {', '.join(RUN_FIELDS)} FROM runs {where} ORDER BY created_at DESC, id DESC"
            return [_run_dict(row) for row in connection.execute(sql, params)]

    def get_run(self, run_id: int) -> dict:
        """One run's fields (the same keys as list_runs)."""
        run_id = run_id_value(run_id)
        with self._read() as connection:
            row = connection.execute(f"SELECT {', '.join(RUN_FIELDS)} FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise RunNotFound(run_id)
        return _run_dict(row)

    def last_point(self, run_id: int) -> dict[str, float] | None:
        """A run's last stored point (step, w, b, loss), or None if it has none; RunNotFound if it is gone."""
        run_id = run_id_value(run_id)
        sql = (  # NaN reads as None (SQLite stores NaN as NULL; PostgreSQL keeps NaN, which NULLIF turns to NULL)
            "SELECT step, NULLIF(w, 'NaN'), NULLIF(b, 'NaN'), NULLIF(loss, 'NaN') "
            "FROM points WHERE run_id = ? ORDER BY step DESC LIMIT 1"
        )
        with self._read() as connection:
            if connection.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
                raise RunNotFound(run_id)
            row = connection.execute(sql, (run_id,)).fetchone()
        return None if row is None else dict(zip(("step", "w", "b", "loss"), row))

    def points(self, run_id: int, max_points: int | None = None) -> pd.DataFrame:
        """A run's points (step, epoch, w, b, loss); with max_points, min-max downsampled keeping the extremes."""
        run_id = run_id_value(run_id)
        if max_points is not None and (
            isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer)) or max_points < MIN_MAX_POINTS
        ):
            raise StoreError(f"max_points={max_points!r} is not allowed: must be a whole number ≥ {MIN_MAX_POINTS}")
        with self._read() as connection:
            if connection.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
                raise RunNotFound(run_id)
            table = connection.read_points(run_id)
        frame = _points_frame(table)
        if max_points is not None and len(frame) > max_points:
            keep = joint_indices([table["w"], table["b"], table["loss"]], max_points)
            frame = frame.iloc[keep].reset_index(drop=True)
        return frame

    def chart_overviews(self, runs: Iterable[int | Mapping[str, Any]]) -> dict[int, ChartOverview]:
        """Each run's chart overview by id (runs: ids, or run dicts with an "id"); RunNotFound for an unknown id.

        One read snapshot: the overviews still valid for the runs' stored versions come from run_overviews in one
        query per IDS_PER_QUERY runs; every other run's points are read and its overview built. Those are then kept
        in one write transaction that waits at most BACKFILL_LOCK_TIMEOUT_S for other writers, each only if its run is
        still the version read (a save in between wins); if that write fails, the built overviews are still returned.
        """
        ids = list(dict.fromkeys(run_id_value(run["id"] if isinstance(run, Mapping) else run) for run in runs))
        found: dict[int, ChartOverview] = {}
        built: dict[int, tuple[str, ChartOverview]] = {}
        with self._read() as connection:
            for start in range(0, len(ids), IDS_PER_QUERY):
                chunk = ids[start : start + IDS_PER_QUERY]
                rows = connection.execute(
                    "SELECT runs.id, runs.updated_at, runs.config, runs.converged_step, "
                    "o.converged_step, o.n_points, o.chart FROM runs LEFT JOIN run_overviews o "
                    "ON o.run_id = runs.id AND o.updated_at = runs.updated_at "
                    f"WHERE runs.id IN ({', '.join('?' for _ in chunk)})",
                    chunk,
                ).fetchall()
                for run_id, updated_at, config, stored_converged, converged, n_points, chart in rows:
                    try:
                        if chart is not None:
                            found[run_id] = unpacked(chart, converged, n_points)
                            continue
                    except ValueError:  # a damaged blob is built again, like a missing one
                        pass
                    points = _points_frame(connection.read_points(run_id))
                    built[run_id] = (updated_at, overview_of(points, json.loads(config), stored_converged))
        for run_id in ids:
            if run_id not in found and run_id not in built:
                raise RunNotFound(run_id)
        if built:
            self._keep_overviews(built)
        return {run_id: found[run_id] if run_id in found else built[run_id][1] for run_id in ids}

    def _keep_overviews(self, built: Mapping[int, tuple[str, ChartOverview]]) -> None:
        """Write overviews built on a read, each for the run version it was built from; a busy or read-only store
        keeps none (the next read builds them again)."""
        try:
            with self._write(BACKFILL_LOCK_TIMEOUT_S) as connection:
                for run_id, (updated_at, overview) in built.items():
                    current = connection.execute("SELECT updated_at FROM runs WHERE id = ?", (run_id,)).fetchone()
                    if current is not None and current[0] == updated_at:
                        _put_overview(connection, run_id, updated_at, overview)
        except StoreError:
            pass

    # -- connection handling ---------------------------------------------------------------------------------

    @contextmanager
    def _errors(self, backend: Backend) -> Iterator[None]:
        """Turn the driver's errors into StoreError messages that name the store and what to do."""
        try:
            yield
        except StoreError:
            raise
        except Exception as error:
            message = backend.explain(error)
            if message is None:
                raise
            raise StoreError(message) from None

    @contextmanager
    def _transaction(self, backend: Backend, lock_timeout_s: float | None = None) -> Iterator[Backend]:
        try:  # a lock wait that times out leaves an aborted transaction behind
            backend.begin_write(LOCK_TIMEOUT_S if lock_timeout_s is None else lock_timeout_s)
            yield backend
        except BaseException:
            backend.rollback()
            raise
        backend.commit()

    @contextmanager
    def _write(self, lock_timeout_s: float | None = None) -> Iterator[Backend]:
        """One write transaction: waits up to lock_timeout_s (LOCK_TIMEOUT_S) for other writers; all or nothing."""
        with self._lock:
            backend = self._check_open()
            with self._errors(backend), self._transaction(backend, lock_timeout_s):
                yield backend

    @contextmanager
    def _read(self) -> Iterator[Backend]:
        """One read transaction, so a multi-query read sees a single snapshot."""
        with self._lock:
            backend = self._check_open()
            with self._errors(backend):
                try:
                    backend.begin_read()
                    yield backend
                except BaseException:
                    backend.rollback()
                    raise
                backend.commit()

    def _check_open(self) -> Backend:
        if self._backend is None:
            raise StoreError(f"the run store {self.path} is closed")
        return self._backend


_POINT_FINALS = frozenset({"final_w", "final_b", "final_step_loss", "steps"})


def _points_frame(table: np.ndarray) -> pd.DataFrame:
    """A backend's POINT_DTYPE table as the step, epoch, w, b, loss frame that points() returns."""
    return pd.DataFrame({name: table[name] for name in POINT_COLUMNS})


def _put_overview(connection: Backend, run_id: int, updated_at: str, overview: ChartOverview) -> None:
    """Write (or replace) a run's overview, valid for the run version updated_at."""
    connection.execute(
        "INSERT INTO run_overviews (run_id, updated_at, converged_step, n_points, chart) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (run_id) DO UPDATE SET updated_at = excluded.updated_at, "
        "converged_step = excluded.converged_step, n_points = excluded.n_points, chart = excluded.chart",
        (run_id, updated_at, overview.converged_step, overview.n_points, overview.chart_bytes()),
    )


def _prepare(
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
    final_loss: float | None = None,
    run_key: str | None = None,
    converged_step: int | None = None,
) -> dict[str, Any]:
    """Check one run's values before any transaction starts: its row, its given fields and its point columns."""
    row = {
        "converged_step": _converged_step_value(converged_step),
        "status": status_value(status),
        "config": json_text("config", mapping_value("config", config)),
        "events": json_text("events", events_value(events)),
        "message": text_value("message", message, MAX_MESSAGE_CHARS),
    }
    columns = point_columns(step, epoch, w, b, loss)
    row.update(final_values(columns, final_loss))
    tag_list = tags_value(tags)
    given = {
        "name": None if name is None else name_value(name),
        "notes": text_value("notes", notes, MAX_NOTES_CHARS) or None,
        "tags": json_text("tags", tag_list) if tag_list else None,
        "sweep_id": None if sweep_id is None else sweep_id_value(sweep_id),
        "run_key": None if run_key is None else run_key_value(run_key),
    }
    return {
        "row": row,
        "given": given,
        "columns": columns,
        "config": dict(config),
        "run_id": None if run_id is None else run_id_value(run_id),
    }


def _converged_step_value(value: Any) -> int | None:
    """None, or a whole number ≥ 0 (the step a run converged at)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise StoreError(f"converged_step={value!r} is not allowed: must be a whole number ≥ 0, or None")
    return int(value)


def _move_hint(backend: Backend) -> str:
    """What to do about a database this version cannot use."""
    if backend.dialect.name == "sqlite":
        return f"move it away or set {DB_ENV} to another path"
    return f"use a newer Tapestream, or point {DB_ENV} at another database"


def _run_filter(
    backend: Backend, text: str | None, status: str | None, tag: str | None, sweep_id: str | None
) -> tuple[str, list[Any]]:
    """list_runs' WHERE clause and its parameters (text matches ignore ASCII case, as SQLite's LIKE does)."""
    clauses, params = [], []
    if text is not None and str(text).strip():
        pattern = "%" + _escape_like(str(text).strip()) + "%"
        fields = ("name", "notes", "tags", "message")
        matches = [f"{field} {backend.text_match} ? ESCAPE '\\'" for field in fields]
        clauses.append("(" + " OR ".join(matches) + " OR CAST(id AS TEXT) = ?)")
        params += [pattern] * len(fields) + [str(text).strip()]
    if status is not None:
        clauses.append("status = ?")
        params.append(status_value(status))
    if tag is not None:
        clauses.append(backend.tag_clause)
        params.append(str(tag).strip())
    if sweep_id is not None:
        clauses.append("sweep_id = ?")
        params.append(str(sweep_id))
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _run_dict(row: Sequence) -> dict:
    run = dict(zip(RUN_FIELDS, row))
    for field in JSON_FIELDS:
        run[field] = json.loads(run[field])
    return run


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
