"""Open a stored run's config on the Live Regression page: through the URL, or by restarting this session's run."""

from __future__ import annotations

import streamlit as st

from core.regression.config import ConfigError, RegressionConfig
from core.regression.url_query import config_to_query
from ui.live import session

LIVE_PAGE = "pages/2_Live_Regression.py"


def open_config(run: dict) -> None:
    """Switch to Live Regression set up with run's config; a live run of this session is saved, then restarted."""
    try:
        config = RegressionConfig.from_dict(run["config"])
    except ConfigError as error:
        st.error(f"Run #{run['id']} cannot be opened in Live Regression: its config has {error}")
        return
    backend = session.restart_with(config)  # the Live page reads the URL only on a session's first visit
    st.switch_page(LIVE_PAGE, query_params=config_to_query(config, backend))
