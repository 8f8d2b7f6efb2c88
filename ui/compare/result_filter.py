"""Narrow the runs table by result: a filter expression over the run columns, then the top or bottom N by a metric."""

from __future__ import annotations

import math

import streamlit as st

from core.store.run_columns import CONVERGENCE, METRIC_HELP, METRICS
from core.store.run_filter import FilterError, parse_filter
from ui.compare import store_reads
from ui.markdown_text import escape_markdown

FILTER_KEY = "compare_result_filter"
RANK_KEY = "compare_rank"
RANK_N_KEY = "compare_rank_n"
RANK_BY_KEY = "compare_rank_by"
ALL, TOP, BOTTOM = "all runs", "top N", "bottom N"
RANKS: tuple[str, ...] = (ALL, TOP, BOTTOM)
MAX_N = 100_000
FILTER_HELP = (
    'An expression over the runs\' columns, e.g. `final_loss < 1e-3 and optimizer == "adam"` or '
    "`steps_to_converge <= 500`: column names, numbers, quoted text, true/false, < <= > >= == !=, and, or, not "
    "and parentheses. It is parsed, never run as Python. A run with no value for a column (a diverged run's loss, "
    "a run that never converged) does not match a comparison on it."
)


def narrow(runs: list[dict]) -> tuple[list[dict], bool]:
    """The widgets, and the runs (from the table's rows) that pass them; True when a result filter is active.

    A bad expression is explained under the field and filters nothing, so no run goes missing.
    """
    text_column, rank_column, n_column, by_column = st.columns([4, 1, 1, 2], vertical_alignment="bottom")
    text = text_column.text_input(
        "Filter by result", key=FILTER_KEY, placeholder='final_loss < 1e-3 and optimizer == "adam"', help=FILTER_HELP
    )
    rank = rank_column.selectbox("Keep", RANKS, key=RANK_KEY, help="top N: the N lowest values of the metric")
    count = n_column.number_input("N", min_value=1, max_value=MAX_N, value=10, step=1, key=RANK_N_KEY)
    metric = by_column.selectbox(
        "by", METRICS, key=RANK_BY_KEY, help="; ".join(f"{name}: {text}" for name, text in METRIC_HELP.items())
    )
    message = st.container(key="compare_filter_message")  # always there, so the charts below keep their place
    try:
        parsed = parse_filter(text or "")
    except FilterError as error:
        message.error(f"Filter by result: {escape_markdown(str(error))}. Showing every run.", icon="⚠️")  # as typed
        parsed = None
    ranking = rank != ALL
    if parsed is None and not ranking:
        return runs, False
    needs = CONVERGENCE in (parsed.columns if parsed else set()) or (ranking and metric == CONVERGENCE)
    values = store_reads.column_values(runs, with_convergence=needs)
    if values is None:
        return runs, False
    kept = [run for run in runs if parsed is None or parsed.matches(values[run["id"]])]
    if ranking:
        kept = ranked(kept, values, metric, int(count), lowest=rank == TOP)
    return kept, True


def ranked(runs: list[dict], values: dict[int, dict], metric: str, count: int, lowest: bool) -> list[dict]:
    """The count runs with the lowest (or highest) metric, in that order; runs without a value are left out."""
    scored = [run for run in runs if _finite(values[run["id"]].get(metric))]
    scored.sort(key=lambda run: values[run["id"]][metric], reverse=not lowest)
    return scored[:count]


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)
