"""The runs picked for comparison: one session key that only this module writes, and versioned keys for the
widgets that show it, so a browser's stale widget value can never overwrite a newer pick."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

PICKS_KEY = "compare_picks"
VERSIONS_KEY = "compare_picks_versions"
TABLE, PICKER = "table", "picker"  # the widgets that show the picks (and change them)
VIEWS: tuple[str, ...] = (TABLE, PICKER)


def picked() -> list[int]:
    """The picked run ids, in the order picked."""
    return list(st.session_state.get(PICKS_KEY, []))


def replace(ids: Iterable[int], by: str | None = None) -> None:
    """Make ids the picks. Every view but `by` (the widget the change came from) gets a new widget key.

    Streamlit prefers the value a browser sends for a widget over one the server set in its state: a rerun that
    leaves before the browser has drawn the last one (a click during a slow run) sends the old value. Under a
    new key that old value belongs to a widget no longer drawn, and is dropped.
    """
    st.session_state[PICKS_KEY] = list(dict.fromkeys(int(run_id) for run_id in ids))
    versions = dict(st.session_state.get(VERSIONS_KEY, {}))
    for view in VIEWS:
        if view != by:
            versions[view] = versions.get(view, 0) + 1
    st.session_state[VERSIONS_KEY] = versions


def version(view: str) -> int:
    """How many times the picks changed other than through this view."""
    return st.session_state.get(VERSIONS_KEY, {}).get(view, 0)


def widget_key(view: str, base: str) -> str:
    """The key of the view's widget for the current picks: base, then base_1, base_2, … after outside changes."""
    return base if version(view) == 0 else f"{base}_{version(view)}"


def take(view: str, shown_version: int, ids: Iterable[int]) -> None:
    """A view's change of the picks, unless it came from a widget drawn for older picks.

    Streamlit still calls the callback of a widget that is no longer drawn when a browser sends its old value:
    that value is stale, so it changes nothing.
    """
    if shown_version == version(view):
        replace(ids, by=view)
