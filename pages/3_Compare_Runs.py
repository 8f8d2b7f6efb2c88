"""Compare Runs: every saved run in a table; overlay, diff and baseline the picked ones; sweep a grid; export."""

from __future__ import annotations

import streamlit as st

from ui.compare import (
    charts,
    details,
    recovery_panel,
    run_actions,
    runs_table,
    store_reads,
    sweep_form,
    sweep_results,
    tensorboard_panel,
)
from ui.page_setup import setup_page

setup_page("Compare Runs")
st.title("🔀 Compare Runs")
st.caption(
    "Every run from Live Regression and from sweeps is saved in the run store. Tick runs in the table to "
    "overlay their training, diff their configs and measure them against a baseline."
)
runs_table.show_notices()
recovery_panel.offer_import()

all_runs = store_reads.list_runs()
if all_runs is None:
    st.stop()
shown = store_reads.list_runs(**runs_table.filters(all_runs))
picked = runs_table.select(all_runs, shown or [])

if picked:
    run_actions.show(picked, all_runs)
    points = store_reads.chart_points(picked)
    if points is not None:
        charts_tab, landscape_tab, configs_tab, baseline_tab, export_tab = st.tabs(
            ["Charts", "Landscape", "Config", "Baseline", "Download & TensorBoard"]
        )
        with charts_tab:
            charts.show(picked, points, charts.options())
        with landscape_tab:
            charts.landscape(picked, points)
        with configs_tab:
            details.config_table(picked)
        with baseline_tab:
            details.baseline(picked)
        with export_tab:
            details.downloads(picked)
            tensorboard_panel.show(picked)
else:
    st.info(
        "Pick runs to compare: tick rows in the table (or choose them above), then charts, configs, a baseline "
        "and downloads appear here."
    )

st.divider()
st.header("Sweeps")
st.caption("Train a grid of configs together in one compiled GradientTape loop; every run is saved under one sweep id.")
sweep_form.show(picked)
sweep_results.show(all_runs)
