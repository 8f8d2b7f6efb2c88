"""The Compare page's run-store reads: listed fresh every rerun, chart series and steps to converge kept per run
version (the store's chart overviews), errors shown."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from core.store.chart_overview import CHART_POINTS
from core.store.run_columns import run_values
from core.store.run_store import RunStore, StoreError, default_db_path

# Points per overlay when many runs are drawn: each run gets its share, 2,000 at most, thinned by the chart's own
# quantity (many_runs_figures.thinned), so 25 a run at 1,000 runs keep 11 buckets of each run's w, b or loss.
POINT_BUDGET = 25_000
MIN_RUN_POINTS = 25
MAX_SERIES = 2048  # runs whose chart series stay in memory (about 100 KB each at 2,000 points)
MAX_CONVERGED = 100_000
DOWNLOAD_POINTS = 1_000_000  # per run; longer runs are min-max downsampled in downloads


def db_path() -> str:
    """The run store this Streamlit process uses ($TAPESTREAM_DB or ./tapestream.sqlite3)."""
    return str(default_db_path())


def datasets_of(config: Any) -> dict[str, Any]:
    """The uploaded data set a config trains on, by hash, as the store keeps it ({} for generated data or when the
    store no longer holds it: the caller's ConfigError then names the hash)."""
    if not getattr(config, "data_hash", ""):
        return {}
    with RunStore(db_path()) as store:
        dataset = store.dataset(config.data_hash)
    return {} if dataset is None else {config.data_hash: dataset}


def list_runs(**filters: str | None) -> list[dict] | None:
    """Runs newest first (read on every rerun, so new runs appear at once); None after showing a store error."""
    try:
        with RunStore(db_path()) as store:
            return store.list_runs(**filters)
    except StoreError as error:
        st.error(f"Cannot read the run store: {error}", icon="🚫")
        return None


class RunMemo:
    """Per-run results keyed by (store, run id, updated_at): a plain dict lookup per run, so 1,000 runs cost
    microseconds a rerun (st.cache_data hashes every call's arguments: about 0.5 ms a call). Oldest out first."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Any:
        with self._lock:
            if key not in self._items:
                return _MISSING
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: tuple, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)


_MISSING = object()


@st.cache_resource(show_spinner=False)
def _memos() -> dict[str, RunMemo]:
    """This process's memos: chart series (2,000 points), values derived from them, and steps to converge."""
    return {
        "series": RunMemo(MAX_SERIES),
        "derived": RunMemo(MAX_SERIES),
        "thinned series": RunMemo(4 * MAX_SERIES),  # small: a run's share of a chart of many runs, per quantity
        "converged": RunMemo(MAX_CONVERGED),
    }


def _key(run: dict, path: str | None = None) -> tuple:
    return (path or db_path(), run["id"], run["updated_at"])


def memoised(run: dict, what: tuple, compute: Callable[[], Any]) -> Any:
    """A value derived from one run version (what names it, e.g. its chart series for an axis), kept in memory."""
    return memoised_each([run], lambda _: what, lambda _: compute())[0]


def memoised_each(
    runs: list[dict], what: Callable[[dict], tuple], compute: Callable[[dict], Any], memo: str = "derived"
) -> list[Any]:
    """memoised for each run (what and compute get the run), in a memo of its own if told: "thinned series" keeps
    one value per run and quantity for the overlays of many runs, which would otherwise push the others out."""
    store, path, values = _memos()[memo], db_path(), []
    for run in runs:
        key = (*_key(run, path), *what(run))
        value = store.get(key)
        if value is _MISSING:
            value = compute(run)
            store.put(key, value)
        values.append(value)
    return values


def _read(runs: list[dict]) -> None:
    """Read every run not yet in the memos, through one store connection: its chart overview (chart series and
    convergence step, found on its full points when it was saved, or on its first read for older runs)."""
    memos, path = _memos(), db_path()
    missing = [
        run
        for run in runs
        if memos["series"].get(_key(run, path)) is _MISSING or memos["converged"].get(_key(run, path)) is _MISSING
    ]
    if not missing:
        return
    with RunStore(db_path()) as store:
        overviews = store.chart_overviews(missing)
    for run in missing:
        overview = overviews[run["id"]]
        memos["converged"].put(_key(run, path), overview.converged_step)
        memos["series"].put(_key(run, path), overview.frame)


def points_per_run(count: int) -> int:
    """Each run's share of a chart's point budget: 2,000 for up to 12 runs, 25 at 1,000 or more."""
    return max(MIN_RUN_POINTS, min(CHART_POINTS, POINT_BUDGET // max(count, 1)))


def chart_points(runs: list[dict]) -> dict[int, pd.DataFrame] | None:
    """Each run's series downsampled to 2,000 points; None after showing a store error."""
    try:
        _read(runs)
    except StoreError as error:
        st.error(f"Cannot read the runs' points: {error}", icon="🚫")
        return None
    memo, path = _memos()["series"], db_path()
    return {run["id"]: memo.get(_key(run, path)) for run in runs}


def column_values(runs: list[dict], with_convergence: bool = False) -> dict[int, dict] | None:
    """Each run's filter and colour columns (core.store.run_columns); steps to converge only when asked."""
    converged = convergence_steps(runs) if with_convergence else {}
    if converged is None:
        return None
    return {run["id"]: run_values(run, converged.get(run["id"])) for run in runs}


def full_points(runs: list[dict]) -> dict[int, pd.DataFrame]:
    """Each run's points for downloads: every point up to 1,000,000 a run (uncached; raises StoreError)."""
    with RunStore(db_path()) as store:
        return {run["id"]: store.points(run["id"], max_points=DOWNLOAD_POINTS) for run in runs}


def convergence_steps(runs: list[dict]) -> dict[int, int | None] | None:
    """Steps each run took to settle within 0.01 of its targets (None: never); None after showing a store error."""
    try:
        _read(runs)
    except StoreError as error:
        st.error(f"Cannot read the runs' points: {error}", icon="🚫")
        return None
    memo, path = _memos()["converged"], db_path()
    return {run["id"]: memo.get(_key(run, path)) for run in runs}
