"""Engine results cached per input in st.session_state, and engine failures shown as messages, never tracebacks."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import streamlit as st

from core.engine.errors import EngineCallError, EngineError
from core.regression.config import ConfigError

CACHE_KEY = "_tape_engine_results"
MAX_ENTRIES = 128


def cached(kind: str, payload: Any, compute: Callable[[], dict[str, Any]], refresh: bool = False) -> dict[str, Any]:
    """compute()'s result for this payload, from this session's cache unless refresh; errors are not cached."""
    cache: OrderedDict[str, dict[str, Any]] = st.session_state.setdefault(CACHE_KEY, OrderedDict())
    key = f"{kind}:{json.dumps(payload, sort_keys=True, default=str)}"
    if refresh or key not in cache:
        cache[key] = compute()
        while len(cache) > MAX_ENTRIES:
            cache.popitem(last=False)
    cache.move_to_end(key)
    return cache[key]


def failure_message(error: EngineError | ConfigError) -> str:
    """What to tell the user when an engine request failed: the input problem, or what happened to the engine."""
    if isinstance(error, EngineCallError) and error.type.endswith("InputError"):
        return error.message
    if isinstance(error, ConfigError):
        return f"The engine refused the request: {error}"
    return f"The TensorFlow engine had a problem: {error}. The app is still running; change an input to try again."


def run_or_report(
    kind: str, payload: Any, compute: Callable[[], dict[str, Any]], refresh: bool = False
) -> dict[str, Any] | None:
    """The cached engine result, or None after showing st.error when the engine failed; the app stays up."""
    try:
        return cached(kind, payload, compute, refresh)
    except (EngineError, ConfigError) as error:
        st.error(failure_message(error), icon="⚠️")
        return None
