"""Keeps the Live page's URL and its settings in step: read once on a session's first visit, written each run."""

from __future__ import annotations

import streamlit as st

from core.regression.url_query import config_from_query, config_to_query
from ui.live.run_state import LiveRun


def apply_url_once(run: LiveRun) -> None:
    """On a session's first visit, take the config from the URL; bad values fall back with a warning."""
    if not run.initialised:
        run.config, run.backend, warnings = config_from_query(st.query_params.to_dict())
        run.url_warnings = warnings
        run.initialised = True
    query = config_to_query(run.config, run.backend)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
