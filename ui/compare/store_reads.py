"""The Compare page's run-store reads: listed fresh every rerun, point series cached per run version, errors shown."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.regression.downsample import joint_indices
from core.store.compare import converged_at
from core.store.run_columns import run_values
from core.store.run_store import RunStore, StoreError, default_db_path

CHART_POINTS = 2000
POINT_BUDGET = 150_000  # points per chart when many runs are drawn: each run gets its share, 2,000 at most
MIN_RUN_POINTS = 100
EXACT_CONVERGENCE_STEPS = 200_000  # longer runs find their convergence step on the chart's downsampled series
DOWNLOAD_POINTS = 1_000_000  # per run; longer runs are min-max downsampled in downloads


def db_path() -> str:
    """The run store this Streamlit process uses ($TAPESTREAM_DB or ./tapestream.sqlite3)."""
    return str(default_db_path())


def list_runs(**filters: str | None) -> list[dict] | None:
    """Runs newest first (read on every rerun, so new runs appear at once); None after showing a store error."""
    try:
        with RunStore(db_path()) as store:
            return store.list_runs(**filters)
    except StoreError as error:
        st.error(f"Cannot read the run store: {error}", icon="🚫")
        return None


@st.cache_data(max_entries=2048, show_spinner=False)
def _points(path: str, run_id: int, updated_at: str, max_points: int | None) -> pd.DataFrame:
    """A run's points as stored at updated_at (the key changes whenever the run is saved again)."""
    with RunStore(path) as store:
        return store.points(run_id, max_points=max_points)


@st.cache_data(max_entries=2048, show_spinner=False)
def _thinned(path: str, run_id: int, updated_at: str, max_points: int) -> pd.DataFrame:
    """A run's chart series thinned further (min-max, extremes kept) to its share of a many-run chart."""
    frame = _points(path, run_id, updated_at, CHART_POINTS)
    if len(frame) <= max_points:
        return frame
    keep = joint_indices([frame[column].to_numpy() for column in ("w", "b", "loss")], max_points)
    return frame.iloc[keep].reset_index(drop=True)


def points_per_run(count: int) -> int:
    """Each run's share of a chart's point budget: 2,000 for up to 75 runs, 150 at 1,000, never under 100."""
    return max(MIN_RUN_POINTS, min(CHART_POINTS, POINT_BUDGET // max(count, 1)))


def chart_points(runs: list[dict], max_points: int = CHART_POINTS) -> dict[int, pd.DataFrame] | None:
    """Each run's series downsampled to max_points (2,000 unless told); None after showing a store error."""
    try:
        if max_points >= CHART_POINTS:
            return {run["id"]: _points(db_path(), run["id"], run["updated_at"], CHART_POINTS) for run in runs}
        return {run["id"]: _thinned(db_path(), run["id"], run["updated_at"], max_points) for run in runs}
    except StoreError as error:
        st.error(f"Cannot read the runs' points: {error}", icon="🚫")
        return None


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


@st.cache_data(max_entries=16384, show_spinner=False)
def _converged(path: str, run_id: int, updated_at: str, exact: bool, config: dict) -> int | None:
    """Only the step is cached: a long run's full trace is read, used and dropped."""
    with RunStore(path) as store:
        return converged_at(store.points(run_id, max_points=None if exact else CHART_POINTS), config)


def convergence_steps(runs: list[dict]) -> dict[int, int | None] | None:
    """Steps each run took to settle within 0.01 of its targets (None: never); None after showing a store error."""
    try:
        return {
            run["id"]: _converged(
                db_path(), run["id"], run["updated_at"], run["steps"] <= EXACT_CONVERGENCE_STEPS, run["config"]
            )
            for run in runs
        }
    except StoreError as error:
        st.error(f"Cannot read the runs' points: {error}", icon="🚫")
        return None
