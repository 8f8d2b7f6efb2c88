"""Runs picked from the charts (a click on an overlay's line, a click or lasso on the result chart's points) are
highlighted on every chart; keep only those."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ui.compare import picks
from ui.compare.runs_table import notify

HIGHLIGHT_KEY = "compare_highlight"


def highlighted(picked: list[dict]) -> set[int]:
    """The highlighted runs among the picked ones (a run no longer picked is forgotten)."""
    ids = {run["id"] for run in picked}
    kept = [run_id for run_id in st.session_state.get(HIGHLIGHT_KEY, []) if run_id in ids]
    st.session_state[HIGHLIGHT_KEY] = kept
    return set(kept)


def on_select(chart_key: str) -> Callable[[], None]:
    """A chart's on_select: the runs under the clicked or lassoed points (their customdata) become the highlight."""

    def take() -> None:
        selection = (st.session_state.get(chart_key) or {}).get("selection") or {}
        ids = []
        for point in selection.get("points", []):
            run_id = _run_id(point.get("customdata"))
            if run_id is not None and run_id not in ids:
                ids.append(run_id)
        st.session_state[HIGHLIGHT_KEY] = ids

    return take


def take_clicked(customdata: list[object]) -> None:
    """An overlay's click: the runs under the clicked points become the highlight (a click on no run clears it)."""
    ids: list[int] = []
    for value in customdata:
        run_id = _run_id(value)
        if run_id is not None and run_id not in ids:
            ids.append(run_id)
    st.session_state[HIGHLIGHT_KEY] = ids


def _run_id(customdata: object) -> int | None:
    if isinstance(customdata, list):
        customdata = customdata[0] if customdata else None
    try:
        return int(customdata)
    except (TypeError, ValueError):
        return None


def controls(picked: list[dict]) -> None:
    """Which runs are highlighted, and buttons to keep only them or to clear the highlight."""
    ids = highlighted(picked)
    if not ids:
        st.caption("Click a line, or click or lasso runs on the result chart, to highlight them on every chart.")
        return
    names = {run["id"]: run["name"] for run in picked}
    shown = ", ".join(f"#{run_id} {names[run_id]}" for run_id in list(ids)[:8]) + (" …" if len(ids) > 8 else "")
    with st.container(horizontal=True, vertical_alignment="center", key="compare_highlight_row"):
        st.markdown(f"**Highlighted {len(ids)} run{'s' if len(ids) > 1 else ''}:** {shown}")
        st.button("Keep only these", on_click=_keep_only, type="primary", help="narrow the runs to compare to these")
        st.button("Clear highlight", on_click=lambda: st.session_state.pop(HIGHLIGHT_KEY, None))


def _keep_only() -> None:
    ids = st.session_state.get(HIGHLIGHT_KEY, [])
    picks.replace([run_id for run_id in picks.picked() if run_id in ids])
    st.session_state.pop(HIGHLIGHT_KEY, None)
    notify("info", f"Kept the {len(picks.picked())} highlighted runs.")
