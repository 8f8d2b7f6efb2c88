"""Config ↔ URL query parameters, so a copied link reopens the same setup; bad values fall back with a warning."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from core.regression.config import ConfigError, RegressionConfig
from core.regression.fields import BACKEND_NAMES, DEFAULT_BACKEND, FIELD_TABLE, FIELDS, MAX_SAMPLES
from core.regression.value_text import ValueTextError, parse_value, query_text, resolve_full

DEFAULTS = RegressionConfig()
URL_KEYS: dict[str, str] = {spec.url_key: spec.name for spec in FIELD_TABLE}


def config_to_query(config: RegressionConfig, backend: str = DEFAULT_BACKEND) -> dict[str, str]:
    """Only the fields that differ from the defaults, as short strings (booleans as 1/0)."""
    query = {}
    for spec in FIELD_TABLE:
        value = getattr(config, spec.name)
        if value != spec.default:
            query[spec.url_key] = query_text(value)
    if backend != DEFAULT_BACKEND:
        query["backend"] = backend
    return query


def _parse(name: str, text: str) -> Any:
    """The field's value from its URL text (batch_size may be "full"), or ConfigError saying what it must be."""
    try:
        return parse_value(name, text)
    except ValueTextError as error:
        raise ConfigError(name, text, str(error)) from None


def _room_for(name: str) -> dict[str, Any]:
    """Settings under which a field is checked alone: a limit it takes from another field is at its largest.

    Clashes between fields (batch_size above n_samples, too many steps) are resolved afterwards, in _combine.
    """
    limit = FIELDS[name].high
    return {limit: FIELDS[limit].widget_high, "epochs": 1} if isinstance(limit, str) else {}


def config_from_query(params: Mapping[str, str]) -> tuple[RegressionConfig, str, list[str]]:
    """Config and backend from query parameters; each bad or unknown value becomes a warning and its default."""
    warnings: list[str] = []
    values: dict[str, Any] = {}
    for key, text in params.items():
        if key == "backend":
            continue
        if key not in URL_KEYS:
            warnings.append(f"Ignored unknown URL parameter {key!r}; known: {', '.join(URL_KEYS)}, backend.")
            continue
        key = URL_KEYS[key]
        try:
            candidate = _parse(key, str(text))
            dataclasses.replace(DEFAULTS, **_room_for(key), **resolve_full({key: candidate}, MAX_SAMPLES))
            values[key] = candidate
        except ConfigError as error:
            warnings.append(
                f"URL parameter {error.field}={text!r} is not allowed ({error.allowed}); using the default."
            )
    config = _combine(resolve_full(values, DEFAULTS.n_samples), warnings)
    backend = str(params.get("backend", DEFAULT_BACKEND))
    if backend not in BACKEND_NAMES:
        warnings.append(f"URL parameter backend={backend!r} must be one of {', '.join(BACKEND_NAMES)}; using compiled.")
        backend = DEFAULT_BACKEND
    return config, backend, warnings


def _combine(values: dict[str, Any], warnings: list[str]) -> RegressionConfig:
    """Fields valid alone may clash together (batch_size > n_samples, too many steps): drop them one by one."""
    while True:
        try:
            return RegressionConfig(**values)
        except ConfigError as error:
            warnings.append(f"URL parameter {error}; using the default {getattr(DEFAULTS, error.field)!r}.")
            values.pop(error.field, None)
            if error.field not in FIELDS:
                return DEFAULTS
