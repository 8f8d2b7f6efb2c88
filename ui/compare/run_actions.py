"""Actions on the picked runs: rename and tag one, delete them after a confirmation, open one in Live Regression."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.store.run_store import RunStore, StoreError
from ui.choices import forget_missing
from ui.compare.runs_table import notify
from ui.compare.store_reads import db_path
from ui.live import open_link

CONFIRM_KEY = "compare_confirm_delete"
RUN_KEY = "compare_action_run"


ACTIONS_KEY = "compare_run_actions"


def show(runs: list[dict], all_runs: list[dict]) -> None:
    """The action row for the picked runs, and the delete confirmation while one is pending.

    The buttons sit in a row that wraps and are as wide as their labels, so no label is cut off at 1280 px.
    """
    by_id = {run["id"]: run for run in runs}
    forget_missing(RUN_KEY, by_id)
    pick, name, tags = st.columns([2, 3, 3], vertical_alignment="bottom")
    run_id = pick.selectbox("Run", list(by_id), key=RUN_KEY, format_func=lambda i: f"#{i} {by_id[i]['name']}")
    run = by_id[run_id]
    name.text_input("Name", value=run["name"], max_chars=200, key=f"compare_name_{run_id}")
    tags.text_input("Tags (comma-separated)", value=", ".join(run["tags"]), key=f"compare_tags_{run_id}")
    with st.container(horizontal=True, key=ACTIONS_KEY, vertical_alignment="center"):
        st.button("Rename", on_click=_rename, args=(run_id,), help=f"rename run #{run_id}")
        st.button("Save tags", on_click=_save_tags, args=(run_id,), help=f"save run #{run_id}'s tags")
        if st.button("Open in Live Regression", help="train this run's config again on the Live Regression page"):
            open_link.open_config(run)
        st.button(
            f"Delete {len(runs)} picked run{'s' if len(runs) > 1 else ''}…",
            on_click=_ask_delete,
            args=(list(by_id),),
        )
    _confirm_delete({run["id"]: run for run in all_runs})


def _store_action(action: Callable[[RunStore], None], done: str) -> None:
    try:
        with RunStore(db_path()) as store:
            action(store)
    except StoreError as error:
        notify("error", f"Nothing changed: {error}")
        return
    notify("success", done)


def _rename(run_id: int) -> None:
    name = st.session_state[f"compare_name_{run_id}"]
    _store_action(lambda store: store.rename(run_id, name), f"Renamed run #{run_id} to {name.strip()!r}.")


def _save_tags(run_id: int) -> None:
    tags = [tag.strip() for tag in st.session_state[f"compare_tags_{run_id}"].split(",") if tag.strip()]
    _store_action(lambda store: store.set_tags(run_id, tags), f"Run #{run_id} tags: {', '.join(tags) or 'none'}.")


def _ask_delete(run_ids: list[int]) -> None:
    st.session_state[CONFIRM_KEY] = run_ids


def _confirm_delete(runs: dict[int, dict]) -> None:
    pending = [run_id for run_id in st.session_state.get(CONFIRM_KEY, []) if run_id in runs]
    if not pending:
        st.session_state.pop(CONFIRM_KEY, None)
        return
    names = ", ".join(f"#{run_id} {runs[run_id]['name']}" for run_id in pending)
    with st.container(border=True):
        st.warning(f"Delete {names} and every saved point? This cannot be undone.", icon="⚠️")
        with st.container(horizontal=True):
            st.button("Yes, delete", type="primary", on_click=_delete, args=(pending,))
            st.button("Cancel", on_click=lambda: st.session_state.pop(CONFIRM_KEY, None))


def _delete(run_ids: list[int]) -> None:
    st.session_state.pop(CONFIRM_KEY, None)
    deleted = []
    try:
        with RunStore(db_path()) as store:
            for run_id in run_ids:
                store.delete(run_id)
                deleted.append(run_id)
    except StoreError as error:
        notify("error", f"Stopped deleting: {error}")
    if deleted:
        notify("success", f"Deleted run{'s' if len(deleted) > 1 else ''} {', '.join(f'#{i}' for i in deleted)}.")
