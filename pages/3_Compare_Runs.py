"""Compare Runs: every saved run in a table; filter by result, colour and overlay the picked ones; sweep; export."""

from __future__ import annotations

import streamlit as st

from ui.compare import (
    charts,
    details,
    recovery_panel,
    result_filter,
    run_actions,
    run_groups,
    runs_table,
    store_reads,
    stored_inspector,
    sweep_form,
    sweep_results,
    tensorboard_panel,
)
from ui.compare.many_runs_figures import LEGEND_RUNS
from ui.live.chart_component import preload_live_charts
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
table_filters = runs_table.filters(all_runs)
shown = (store_reads.list_runs(**table_filters) or []) if any(table_filters.values()) else all_runs  # no 2nd read
shown, by_result = result_filter.narrow(shown)
run_groups.offer(all_runs, shown)
picked = runs_table.select(all_runs, shown)
hidden_note = st.container(key="compare_hidden_note")  # always there, so the charts below keep their place
if by_result:
    kept = {run["id"] for run in shown}
    hidden = len([run for run in picked if run["id"] not in kept])
    picked = [run for run in picked if run["id"] in kept]
    if hidden:
        hidden_note.caption(f"The charts leave out {hidden} picked runs that the result filter hides.")

if picked:
    run_actions.show(picked, all_runs)
    many = len(picked) > LEGEND_RUNS
    points = store_reads.chart_points(picked)
    if points is not None:
        tabs = st.tabs(
            ["Charts", "Landscape", "Config", "Baseline", "Download & TensorBoard"],
            key="compare_tabs_lazy" if many else None,
            on_change="rerun" if many else "ignore",
        )
        charts_tab, landscape_tab, configs_tab, baseline_tab, export_tab = tabs
        with charts_tab:
            charts.panel(picked, points)
        if landscape_tab.open is not False:
            with landscape_tab:
                charts.landscape(picked, points)
        if configs_tab.open is not False:
            with configs_tab:
                details.config_table(picked)
        if baseline_tab.open is not False:
            with baseline_tab:
                details.baseline(picked)
        if export_tab.open is not False:
            with export_tab:
                details.downloads(picked)
                tensorboard_panel.show(picked)
    stored_inspector.show(picked)
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
preload_live_charts("compare_chart_preload")  # last on the page: the charts' code loads before the first pick
