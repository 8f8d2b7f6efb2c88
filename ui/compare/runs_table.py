"""The Compare page's runs table: filters, multi-row selection mirrored by a run picker, and one-off notices."""

from __future__ import annotations

import zlib
from collections.abc import Callable

import streamlit as st

from core.store.compare import TABLE_COLUMNS, runs_frame
from core.store.values import STATUSES
from ui.choices import forget_missing
from ui.compare import picks
from ui.compare.table_formats import number_columns

PICKER_KEY = "compare_selected"  # the run picker's key until the picks change elsewhere
PICKER_CONTAINER_KEY = "compare_picker"
TABLE_KEY = "compare_table"
NOTICES_KEY = "compare_notices"
ANY = "any"
RUN_QUERY_KEY = "run"
MAX_LISTED_PICKS = 100  # above this many picks the run picker gives way to a count and a button that clears them
COLUMNS = {"id": st.column_config.NumberColumn("id", width="small"), **number_columns(TABLE_COLUMNS)}


def notify(kind: str, text: str, place: str = "top") -> None:
    """Queue a message (kind: success, info, warning or error) for a place on the page in the next rerun."""
    st.session_state.setdefault(f"{NOTICES_KEY}_{place}", []).append((kind, text))


def show_notices(place: str = "top") -> None:
    """Show and forget the messages queued for place, in a slot of the page that is there with or without them.

    A message that comes and goes would otherwise move every element below it to a new place in the page, and the
    browser would then mount each chart below afresh (a full Plotly draw, its zoom lost).
    """
    with st.container(key=f"{NOTICES_KEY}_{place}_slot"):
        for kind, text in st.session_state.pop(f"{NOTICES_KEY}_{place}", []):
            getattr(st, kind)(text)


def filters(runs: list[dict]) -> dict[str, str | None]:
    """Text, status and tag filters for the table, as RunStore.list_runs keywords."""
    tags = sorted({tag for run in runs for tag in run["tags"]})
    forget_missing("compare_filter_tag", [ANY, *tags])  # its tag was removed from every run
    text_column, status_column, tag_column = st.columns([2, 1, 1])
    text = text_column.text_input("Filter runs", key="compare_filter_text", placeholder="name, notes, tags or id")
    status = status_column.selectbox("Status", [ANY, *STATUSES], key="compare_filter_status")
    tag = tag_column.selectbox("Tag", [ANY, *tags], key="compare_filter_tag")
    return {"text": text or None, "status": None if status == ANY else status, "tag": None if tag == ANY else tag}


def select(runs: list[dict], shown: list[dict]) -> list[dict]:
    """The runs table (shown = the filtered runs) and the runs picked for comparison, in the order picked.

    The picks live in ui.compare.picks; the table and the run picker only show them and report changes.
    """
    by_id = {run["id"]: run for run in runs}
    _pick_from_url(by_id)
    chosen = [run_id for run_id in picks.picked() if run_id in by_id]
    if chosen != picks.picked():
        picks.replace(chosen)  # forget deleted runs
    shown_ids = [run["id"] for run in shown]
    rows = [shown_ids.index(run_id) for run_id in chosen if run_id in shown_ids]
    # One table widget per set of shown rows: a row index then always means the same run, so a filter change
    # can never turn a ticked row into a different run.
    table_key = picks.widget_key(picks.TABLE, f"{TABLE_KEY}_{zlib.crc32(repr(shown_ids).encode()):08x}")
    st.session_state[table_key] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    st.caption(f"{len(shown)} of {len(runs)} runs. Tick rows to compare them.")
    with st.container(key=TABLE_KEY):
        st.dataframe(
            runs_frame(shown),
            key=table_key,
            on_select=_mirror(table_key, shown_ids, picks.version(picks.TABLE)),
            selection_mode="multi-row",
            hide_index=True,
            column_config=COLUMNS,
        )
    if len(chosen) > MAX_LISTED_PICKS:  # a chip per run would take the browser seconds to draw, and a screen
        with st.container(horizontal=True, vertical_alignment="center", key="compare_many_picked"):
            st.markdown(f"**{len(chosen)} runs to compare**, too many to list as chips: untick rows in the table.")
            st.button("Clear the picks", on_click=picks.replace, args=([],))
        return [by_id[run_id] for run_id in chosen]
    picker_key = picks.widget_key(picks.PICKER, PICKER_KEY)
    with st.container(key=PICKER_CONTAINER_KEY):
        st.multiselect(
            "Runs to compare",
            list(by_id),
            default=chosen,
            key=picker_key,
            format_func=lambda i: f"#{i} {by_id[i]['name']}",
            placeholder="tick rows in the table, or pick runs here",
            on_change=_take_picker,
            args=(picker_key, picks.version(picks.PICKER)),
        )
    return [by_id[run_id] for run_id in chosen]


def _pick_from_url(by_id: dict[int, dict]) -> None:
    """A link such as ?run=12 (the Live page's "Open run #12") picks that run once; a bad id says so."""
    wanted = st.query_params.get(RUN_QUERY_KEY)
    if wanted is None:
        return
    del st.query_params[RUN_QUERY_KEY]
    try:
        run_id = int(wanted)
    except ValueError:
        run_id = None
    if run_id not in by_id:
        notify("warning", f"URL parameter run={wanted!r} names no stored run: give the id of a run in the table.")
        st.rerun()
    if run_id not in picks.picked():
        picks.replace([*picks.picked(), run_id])


def _take_picker(picker_key: str, shown_version: int) -> None:
    """The run picker's on_change: its runs become the picks."""
    picks.take(picks.PICKER, shown_version, st.session_state[picker_key])


def _mirror(table_key: str, shown_ids: list[int], shown_version: int) -> Callable[[], None]:
    """The table's on_select: its ticked rows replace the picked runs it shows; hidden picks stay, order kept."""

    def sync() -> None:
        ticked = [shown_ids[row] for row in st.session_state[table_key]["selection"]["rows"] if row < len(shown_ids)]
        kept = [run_id for run_id in picks.picked() if run_id not in shown_ids or run_id in ticked]
        picks.take(picks.TABLE, shown_version, kept + [run_id for run_id in ticked if run_id not in kept])

    return sync
