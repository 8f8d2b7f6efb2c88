"""Keyed choice widgets whose options change between reruns: replace a remembered value that is no longer offered."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import streamlit as st


def forget_missing(key: str, options: Collection[Any]) -> None:
    """Set st.session_state[key] to the first option if it holds one no longer offered.

    Assigning (rather than deleting) makes Streamlit send the value to the browser, whose widget would otherwise
    keep showing the stale choice.
    """
    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = next(iter(options))
