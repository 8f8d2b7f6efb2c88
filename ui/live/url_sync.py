"""Keeps the Live page's URL and its settings in step: read once on a session's first visit, written each run.

The URL holds the config fields and the backend (core.regression.url_query) and the page's own view keys:
speed (steps per second, or max), loss_scale and smoothing. A key given twice with different values warns.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from core.race.lanes_query import LANES_KEY
from core.regression.smoothing import SMOOTHING_CHOICES
from core.regression.url_query import config_from_query, config_to_query, single_values
from core.regression.value_text import ValueTextError, whole
from ui.live import lanes_url, sidebar_form, view_options
from ui.live.run_state import LiveRun

SPEED_KEY = "speed"
FASTEST = "max"  # the speed word for "as fast as possible"
VIEW_KEYS: tuple[str, ...] = (SPEED_KEY, view_options.SCALE_KEY, view_options.SMOOTHING_KEY, LANES_KEY)
SPEED_WORDS: tuple[str, ...] = tuple(FASTEST if s is None else f"{s:g}" for s in sidebar_form.SPEEDS.values())


def speed_text(speed: float | None) -> str:
    """A speed as the URL writes it: 200, 1000, max."""
    return FASTEST if speed is None else f"{speed:g}"


def _speed(text: str) -> float | None:
    """Steps per second from URL text (one of the sidebar's speeds, or max); ValueError if it is not one."""
    if text.strip().lower() == FASTEST:
        return None
    if not text.isascii():
        raise ValueError(text)
    try:
        steps = whole(text)
    except ValueTextError:
        raise ValueError(text) from None
    if steps not in sidebar_form.SPEEDS.values():
        raise ValueError(text)
    return float(steps)


def view_from_query(params: Mapping[str, str]) -> tuple[float | None, str, str, list[str]]:
    """Speed, loss scale and smoothing from the URL; a bad value warns and keeps its default."""
    warnings: list[str] = []
    speed = sidebar_form.DEFAULT_SPEED
    if SPEED_KEY in params:
        try:
            speed = _speed(params[SPEED_KEY])
        except ValueError:
            warnings.append(
                f"URL parameter {SPEED_KEY}={params[SPEED_KEY]!r} is not allowed (steps per second, one of "
                f"{', '.join(SPEED_WORDS)}); using {speed_text(speed)}."
            )
    scale = _choice(params, view_options.SCALE_KEY, view_options.LOSS_SCALES, view_options.DEFAULT_SCALE, warnings)
    smoothing = _choice(
        params, view_options.SMOOTHING_KEY, tuple(SMOOTHING_CHOICES), view_options.DEFAULT_SMOOTHING, warnings
    )
    return speed, scale, smoothing, warnings


def _choice(params: Mapping[str, str], key: str, choices: tuple[str, ...], default: str, warnings: list[str]) -> str:
    """One of choices from the URL, or default with a warning naming the key and the choices."""
    text = params.get(key, default)
    word = text.strip().lower()
    if word in choices:
        return word
    warnings.append(f"URL parameter {key}={text!r} is not allowed (one of {', '.join(choices)}); using {default}.")
    return default


def view_to_query(speed: float | None, scale: str, smoothing: str) -> dict[str, str]:
    """The view keys that differ from their defaults."""
    query = {}
    if speed != sidebar_form.DEFAULT_SPEED:
        query[SPEED_KEY] = speed_text(speed)
    if scale != view_options.DEFAULT_SCALE:
        query[view_options.SCALE_KEY] = scale
    if smoothing != view_options.DEFAULT_SMOOTHING:
        query[view_options.SMOOTHING_KEY] = smoothing
    return query


def _query_lists() -> dict[str, list[str]]:
    """Every URL parameter with all its values (to_dict would keep only the last of a repeated one)."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def apply_url_once(run: LiveRun) -> None:
    """On a session's first visit, take the settings from the URL; then write them back on every run."""
    if not run.initialised:
        params, warnings = single_values(_query_lists())
        run.config, run.backend, config_warnings = config_from_query(params, extra_keys=VIEW_KEYS)
        run.speed, scale, smoothing, view_warnings = view_from_query(params)
        view_options.choose(scale, smoothing)
        run.url_warnings = warnings + config_warnings + view_warnings + lanes_url.apply(run, params)
        run.initialised = True
    query = {**config_to_query(run.config, run.backend), **view_to_query(run.speed, *view_options.current_choices())}
    query.update(lanes_url.to_query(run))  # a race's lanes (ui.live.lanes_url)
    if _query_lists() != {key: [text] for key, text in query.items()}:
        st.query_params.from_dict(query)
