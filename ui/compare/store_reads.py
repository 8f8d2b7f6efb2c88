"""The Compare page's run-store reads: listed fresh every rerun, point series cached per run version, errors shown."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.store.compare import converged_at
from core.store.run_store import RunStore, StoreError, default_db_path

CHART_POINTS = 2000
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


@st.cache_data(max_entries=512, show_spinner=False)
def _points(path: str, run_id: int, updated_at: str, max_points: int | None) -> pd.DataFrame:
    """A run's points as stored at updated_at (the key changes whenever the run is saved again)."""
    with RunStore(path) as store:
        return store.points(run_id, max_points=max_points)


def chart_points(runs: list[dict]) -> dict[int, pd.DataFrame] | None:
    """Each run's series downsampled to 2,000 points; None after showing a store error."""
    try:
        return {run["id"]: _points(db_path(), run["id"], run["updated_at"], CHART_POINTS) for run in runs}
    except StoreError as error:
        st.error(f"Cannot read the runs' points: {error}", icon="🚫")
        return None


def full_points(runs: list[dict]) -> dict[int, pd.DataFrame]:
    """Each run's points for downloads: every point up to 1,000,000 a run (uncached; raises StoreError)."""
    with RunStore(db_path()) as store:
        return {run["id"]: store.points(run["id"], max_points=DOWNLOAD_POINTS) for run in runs}


@st.cache_data(max_entries=4096, show_spinner=False)
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
