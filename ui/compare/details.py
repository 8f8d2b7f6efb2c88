"""The picked runs in numbers: their configs side by side, deltas against a baseline run, and downloads."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.store.compare import baseline_frame, config_frame, long_csv, runs_json
from core.store.run_store import StoreError
from ui.choices import forget_missing
from ui.compare import store_reads

BASELINE_KEY = "compare_baseline"
DELTA_FORMATS = {
    "final w": "%.4f",
    "Δ w": "%+.4f",
    "final b": "%.4f",
    "Δ b": "%+.4f",
    "final loss": "%.3e",
    "Δ loss": "%+.3e",
    "converged at step": "%d",
    "Δ steps": "%+d",
}


def config_table(runs: list[dict]) -> None:
    """Each run's config as a row; the switch keeps only the fields that differ."""
    only = st.toggle("Differences only", value=True, key="compare_config_diff")
    frame = config_frame(runs, differences_only=only)
    if frame.columns.empty:
        st.info("All picked runs have the same config." if len(runs) > 1 else "Pick a second run to see differences.")
        return
    st.dataframe(frame)


def baseline(runs: list[dict]) -> None:
    """Pick a baseline run; every run's final w, b, loss and steps to converge, with deltas to the baseline."""
    converged = store_reads.convergence_steps(runs)
    if converged is None:
        return
    by_id = {run["id"]: run for run in runs}
    forget_missing(BASELINE_KEY, by_id)
    chosen = st.selectbox(
        "Baseline run", list(by_id), key=BASELINE_KEY, format_func=lambda i: f"#{i} {by_id[i]['name']}"
    )
    frame = baseline_frame(runs, converged, chosen)
    config = {column: st.column_config.NumberColumn(column, format=text) for column, text in DELTA_FORMATS.items()}
    st.dataframe(frame, hide_index=True, column_config=config)
    st.caption(
        "Converged at step: the first step from which |w − w*| < 0.01 and |b − b*| < 0.01 hold to the end "
        "(w*, b*: that run's targets); empty if the run never settles there."
    )


def downloads(runs: list[dict]) -> None:
    """The picked runs as one long CSV (run_id, name, step, epoch, w, b, loss) and as JSON with config and events."""
    ids = "-".join(str(run["id"]) for run in runs)
    csv_column, json_column, _ = st.columns([1, 1, 2])
    csv_column.download_button(
        "Download CSV",
        data=lambda: _export(long_csv, runs),
        file_name=f"runs-{ids}.csv",
        mime="text/csv",
        on_click="ignore",
        use_container_width=True,
        help="long format: one row a point, every run in one table",
    )
    json_column.download_button(
        "Download JSON",
        data=lambda: _export(runs_json, runs),
        file_name=f"runs-{ids}.json",
        mime="application/json",
        on_click="ignore",
        use_container_width=True,
        help="each run with its config, events and points",
    )
    st.caption(
        f"Full resolution up to {store_reads.DOWNLOAD_POINTS:,} points a run; longer runs are min-max "
        "downsampled, keeping every extreme."
    )


def _export(write: Callable[[list[dict], dict[int, pd.DataFrame]], str], runs: list[dict]) -> str:
    try:
        return write(runs, store_reads.full_points(runs))
    except StoreError as error:
        return f"Export failed: {error}\n"
