"""The picked runs in numbers: their configs side by side, deltas against a baseline run, and downloads."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.store.compare import baseline_frame, config_frame, long_csv, run_labels, runs_json
from core.store.run_changes import events_frame
from core.store.run_store import StoreError
from ui.choices import forget_missing
from ui.compare import store_reads
from ui.compare.table_formats import number_columns

BASELINE_KEY = "compare_baseline"


def config_table(runs: list[dict]) -> None:
    """Each run's config as a row (the switch keeps only the fields that differ), then its mid-run changes."""
    only = st.toggle("Differences only", value=True, key="compare_config_diff")
    frame = config_frame(runs, differences_only=only)
    if frame.columns.empty:
        st.info("All picked runs have the same config." if len(runs) > 1 else "Pick a second run to see differences.")
    else:
        st.dataframe(frame)
    st.caption("The config is each run's last: a setting changed mid-run shows its final value. The changes:")
    changes = events_frame(runs, run_labels(runs))
    if changes.empty:
        st.caption("No mid-run changes in the picked runs.")
        return
    st.dataframe(changes, hide_index=True, column_config={"change": st.column_config.TextColumn("old → new")})


def baseline(runs: list[dict]) -> None:
    """Pick a baseline run; every run's final w, b, both losses and steps to converge, with deltas to the baseline."""
    converged = store_reads.convergence_steps(runs)
    if converged is None:
        return
    by_id = {run["id"]: run for run in runs}
    forget_missing(BASELINE_KEY, by_id)
    chosen = st.selectbox(
        "Baseline run", list(by_id), key=BASELINE_KEY, format_func=lambda i: f"#{i} {by_id[i]['name']}"
    )
    frame = baseline_frame(runs, converged, chosen)
    st.dataframe(frame, hide_index=True, column_config=number_columns(frame.columns))
    st.caption(
        "Converged at step: the first step from which |w − w*| < 0.01 and |b − b*| < 0.01 hold to the end "
        "(w*, b*: that run's targets); None if the run never settles there. Final loss: the mean loss over all "
        "the data at the run's final w and b; last step's loss: what the tape recorded at the last step."
    )


def downloads(runs: list[dict]) -> None:
    """The picked runs as one long CSV (run_id, name, step, epoch, w, b, loss) and as JSON with config and events."""
    ids = "-".join(str(run["id"]) for run in runs)
    with st.container(horizontal=True):
        _download_buttons(runs, ids)
    st.caption(
        f"Full resolution up to {store_reads.DOWNLOAD_POINTS:,} points a run; longer runs are min-max "
        "downsampled, keeping every extreme."
    )


def _download_buttons(runs: list[dict], ids: str) -> None:
    st.download_button(
        "Download CSV",
        data=lambda: _export(long_csv, runs),
        file_name=f"runs-{ids}.csv",
        mime="text/csv",
        on_click="ignore",
        help="long format: one row a point, every run in one table",
    )
    st.download_button(
        "Download JSON",
        data=lambda: _export(runs_json, runs),
        file_name=f"runs-{ids}.json",
        mime="application/json",
        on_click="ignore",
        help="each run with its config, events and points",
    )


def _export(write: Callable[[list[dict], dict[int, pd.DataFrame]], str], runs: list[dict]) -> str:
    try:
        return write(runs, store_reads.full_points(runs))
    except StoreError as error:
        return f"Export failed: {error}\n"
