"""A saved sweep's results: a heatmap or parallel coordinates of a metric against the swept fields, and seed bands."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.sweep.summary import METRICS, cell_means, seed_band, seed_groups, sweep_frame
from ui.choices import forget_missing
from ui.compare import run_figures, store_reads
from ui.compare.charts import PLOTLY_CONFIG
from ui.compare.table_formats import number_columns

PICK_KEY = "compare_sweep"
CHARTS: tuple[str, ...] = ("Heatmap", "Parallel coordinates")
NONE = "—"
MAX_BAND_GROUPS = 8


def show(runs: list[dict]) -> None:
    """Pick a sweep id, then its charts and its runs."""
    counts: dict[str, int] = {}
    for run in runs:
        if run["sweep_id"]:
            counts[run["sweep_id"]] = counts.get(run["sweep_id"], 0) + 1
    if not counts:
        st.caption("No sweeps saved yet: start one above, or run `python -m core sweep --save`.")
        return
    forget_missing(PICK_KEY, counts)
    sweep_id = st.selectbox("Sweep", list(counts), key=PICK_KEY, format_func=lambda s: f"{s} ({counts[s]} runs)")
    members = [run for run in runs if run["sweep_id"] == sweep_id][::-1]  # in the order they were trained
    converged = store_reads.convergence_steps(members)
    if converged is None:
        return
    frame, fields = sweep_frame(members, converged)
    metric_column, chart_column = st.columns(2)
    metric = metric_column.radio("Metric", METRICS, horizontal=True, key="sweep_metric")
    chart = chart_column.radio("Chart", CHARTS, horizontal=True, key="sweep_chart")
    axes = [field for field in fields if field != "seed"]
    if not axes:
        st.caption("Only the seed varies in this sweep: see the bands below.")
    elif chart == "Heatmap":
        _heatmap(frame, axes, metric)
    else:
        figure = run_figures.parallel_figure(frame, fields, metric, metric == "final loss")
        st.plotly_chart(figure, key="sweep_parallel", config=PLOTLY_CONFIG)
    st.dataframe(frame, hide_index=True, column_config=number_columns(frame.columns))
    st.caption(
        "final loss: the mean loss over all the data at the run's final w and b (not one step's loss); "
        "None for a diverged run."
    )
    _bands(members)


def _heatmap(frame: pd.DataFrame, axes: list[str], metric: str) -> None:
    x_column, y_column = st.columns(2)
    forget_missing("sweep_x", axes)
    x_field = x_column.selectbox("Heatmap x", axes, key="sweep_x")
    y_options = [*(field for field in axes if field != x_field), NONE]
    forget_missing("sweep_y", y_options)
    y_field = y_column.selectbox("Heatmap y", y_options, key="sweep_y")
    cells = cell_means(frame, x_field, None if y_field == NONE else y_field, metric)
    figure = run_figures.heatmap_figure(cells, metric, metric == "final loss")
    st.plotly_chart(figure, key="sweep_heatmap", config=PLOTLY_CONFIG)
    st.caption(
        "Each cell is the mean over the runs that share its x and y (seeds and any other swept field); "
        "– means no run there converged (or all diverged)."
    )


def _bands(runs: list[dict]) -> None:
    """Mean ± std over seeds for each group of runs that differ only by seed."""
    groups = seed_groups(runs)
    if not groups:
        return
    quantity_column, log_column = st.columns([3, 1], vertical_alignment="bottom")
    quantity = quantity_column.radio("Seed bands of", ("loss", "w", "b"), horizontal=True, key="sweep_band_quantity")
    log_y = log_column.toggle("Log-scale loss", value=True, key="sweep_band_log")
    shown = groups[:MAX_BAND_GROUPS]
    points = store_reads.chart_points([run for _, members in shown for run in members])
    if points is None:
        return
    bands = [
        {**seed_band([points[run["id"]] for run in members], quantity), "label": label, "runs": len(members)}
        for label, members in shown
    ]
    st.plotly_chart(run_figures.band_figure(bands, quantity, log_y), key="sweep_bands", config=PLOTLY_CONFIG)
    if len(groups) > MAX_BAND_GROUPS:
        st.caption(f"Showing the first {MAX_BAND_GROUPS} of {len(groups)} seed groups.")
