"""Select a group of runs in one action: the table's rows (the filters' result) or a whole sweep (races slot in)."""

from __future__ import annotations

import streamlit as st

from ui.compare import picks
from ui.compare.runs_table import notify

GROUP_KEY = "compare_group"
NONE = "—"
SHOWN = "shown"
# One row per kind of group a run can belong to: (kind, the run field holding its group id). A race (issue 13)
# adds ("race", "race_id") here once the store records it.
GROUP_KINDS: tuple[tuple[str, str], ...] = (("sweep", "sweep_id"),)


def groups(all_runs: list[dict], shown: list[dict]) -> dict[str, tuple[str, list[int]]]:
    """Each group the select offers, by option: its label and its run ids (oldest first, as trained)."""
    offered: dict[str, tuple[str, list[int]]] = {
        SHOWN: (f"every run in the table, as filtered ({len(shown)})", [run["id"] for run in shown][::-1])
    }
    for kind, field in GROUP_KINDS:
        members: dict[str, list[int]] = {}
        for run in all_runs:
            if run.get(field):
                members.setdefault(str(run[field]), []).append(run["id"])
        for group_id, ids in members.items():
            offered[f"{kind}:{group_id}"] = (f"{kind} {group_id} ({len(ids)} runs)", ids[::-1])
    return offered


def offer(all_runs: list[dict], shown: list[dict]) -> None:
    """A select whose choice replaces the picked runs with that group at once, then returns to "—"."""
    offered = groups(all_runs, shown)
    options = [NONE, *offered]
    if st.session_state.get(GROUP_KEY) not in options:
        st.session_state[GROUP_KEY] = NONE
    st.selectbox(
        "Select a group",
        options,
        key=GROUP_KEY,
        format_func=lambda option: "pick a whole group…" if option == NONE else offered[option][0],
        on_change=_pick_group,
        args=(offered,),
        help="replaces the runs to compare with every run of the group",
    )


def _pick_group(offered: dict[str, tuple[str, list[int]]]) -> None:
    choice = st.session_state[GROUP_KEY]
    st.session_state[GROUP_KEY] = NONE
    if choice not in offered:
        return
    label, ids = offered[choice]
    picks.replace(ids)
    notify("info", f"Picked {len(ids)} runs: {label}.")
