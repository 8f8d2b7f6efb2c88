"""The playground's gradient calls (target and sources, run in order on one tape) and the tape's options."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.tape.request import MAX_CALLS, MODES, ORDERS, UNCONNECTED

IDS_KEY = "pg_call_ids"
NEXT_KEY = "pg_next_call_id"
DEFAULT_CALL: dict[str, Any] = {"target": "t4", "sources": ["t1", "t2", "t3"]}
OPTION_DEFAULTS: dict[str, Any] = {
    "persistent": False,
    "watch_accessed_variables": True,
    "unconnected_gradients": "none",
    "order": 1,
    "mode": "gradient",
}
ORDER_WORDS = {1: "first (gradient)", 2: "second (gradient of the gradient)"}
UNCONNECTED_WORDS = {"none": "NONE (None)", "zero": "ZERO (zeros)"}


def call_key(call_id: int, field: str) -> str:
    """The session_state key of one field of one call, e.g. pg_call_0_target."""
    return f"pg_call_{call_id}_{field}"


def call_ids() -> list[int]:
    """The calls shown now: one default call tape.gradient(t4, [t1, t2, t3]) on a session's first run."""
    ids = st.session_state.get(IDS_KEY)
    if ids is None or any(call_key(call_id, "want_target") not in st.session_state for call_id in ids):
        st.session_state[IDS_KEY] = []
        st.session_state[NEXT_KEY] = 0
        _new_call(DEFAULT_CALL["target"], DEFAULT_CALL["sources"])
    return st.session_state[IDS_KEY]


def _new_call(target: str, sources: list[str]) -> None:
    call_id = st.session_state[NEXT_KEY]
    st.session_state[NEXT_KEY] = call_id + 1
    st.session_state[call_key(call_id, "want_target")] = target
    st.session_state[call_key(call_id, "want_sources")] = list(sources)
    st.session_state[IDS_KEY].append(call_id)


def add_call(names: list[str], target: str) -> None:
    """Another call, asking for the gradient of target with respect to the first other tensor."""
    _new_call(target, [name for name in names if name != target][:1] or names[:1])


def remove_call(call_id: int) -> None:
    """Drop one call and its widget values."""
    st.session_state[IDS_KEY].remove(call_id)
    for field in ("target", "sources", "want_target", "want_sources"):
        st.session_state.pop(call_key(call_id, field), None)


def _remember(call_id: int, field: str) -> None:
    """What the learner picked, kept while a program edit makes a name disappear and come back."""
    st.session_state[call_key(call_id, f"want_{field}")] = st.session_state[call_key(call_id, field)]


def choose_calls(names: list[str], fallback_target: str) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per call; returns the calls [{"target", "sources"}] and any problems with them."""
    if not names:
        st.caption("Declare an input first.")
        return [], ["there are no tensors to differentiate: declare an input"]
    ids = call_ids()
    calls: list[dict[str, Any]] = []
    problems: list[str] = []
    for position, call_id in enumerate(ids, start=1):
        call = _call_row(position, call_id, names, fallback_target)
        if not call["sources"]:
            problems.append(f"call {position} has no sources: pick the tensors to differentiate with respect to")
        calls.append(call)
    st.button(
        "➕ Add gradient call",
        key="pg_add_call",
        on_click=add_call,
        args=(names, fallback_target),
        disabled=len(ids) >= MAX_CALLS,
    )
    return calls, problems


def _call_row(position: int, call_id: int, names: list[str], fallback_target: str) -> dict[str, Any]:
    target_key, sources_key = call_key(call_id, "target"), call_key(call_id, "sources")
    wanted = st.session_state[call_key(call_id, "want_target")]
    target = wanted if wanted in names else (fallback_target if fallback_target in names else names[-1])
    sources = [name for name in st.session_state[call_key(call_id, "want_sources")] if name in names]
    if st.session_state.get(target_key) != target:
        st.session_state[target_key] = target
    if st.session_state.get(sources_key) != sources:
        st.session_state[sources_key] = sources
    label_column, target_column, sources_column, remove_column = st.columns(
        [1.1, 1.6, 5, 0.5], vertical_alignment="bottom"
    )
    label_column.markdown(f"**Call {position}**")
    target = target_column.selectbox(
        f"target of call {position}", names, key=target_key, on_change=_remember, args=(call_id, "target")
    )
    sources = sources_column.multiselect(
        f"sources of call {position}",
        names,
        key=sources_key,
        on_change=_remember,
        args=(call_id, "sources"),
        placeholder="pick the tensors to differentiate with respect to",
    )
    remove_column.button(
        "✕", key=f"pg_remove_call_{call_id}", on_click=remove_call, args=(call_id,), help="remove this call"
    )
    return {"target": target, "sources": list(sources)}


def choose_options() -> dict[str, Any]:
    """persistent, watch_accessed_variables, unconnected_gradients, order and mode, as request options."""
    for name, default in OPTION_DEFAULTS.items():
        st.session_state.setdefault(f"pg_{name}", default)
    tape_column, unconnected_column, order_column, mode_column = st.columns([2.2, 1.5, 1, 1.1])
    with tape_column:
        persistent = st.toggle(
            "persistent", key="pg_persistent", help="keep the record after a call, so several calls can use one tape"
        )
        watch_accessed = st.toggle(
            "watch_accessed_variables",
            key="pg_watch_accessed_variables",
            help="let the tape watch every trainable Variable it sees being read",
        )
    unconnected = unconnected_column.radio(
        "unconnected_gradients",
        UNCONNECTED,
        key="pg_unconnected_gradients",
        format_func=UNCONNECTED_WORDS.get,
        help="what an unconnected source gets: None or zeros",
    )
    order = order_column.radio(
        "order",
        ORDERS,
        key="pg_order",
        format_func=ORDER_WORDS.get,
        help="2 nests a second tape around the first: the gradient of the gradient",
    )
    mode = mode_column.radio(
        "mode",
        MODES,
        key="pg_mode",
        format_func=lambda mode: f"tape.{mode}",
        help="tape.jacobian gives one gradient per element of the target",
    )
    return {
        "persistent": persistent,
        "watch_accessed_variables": watch_accessed,
        "unconnected_gradients": unconnected,
        "order": order,
        "mode": mode,
    }
