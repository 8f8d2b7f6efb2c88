"""Config ↔ URL query parameters, so a copied link reopens the same setup; bad values fall back with a warning."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from core.regression.config import BACKEND_NAMES, FIELD_NAMES, MAX_SAMPLES, ConfigError, RegressionConfig

DEFAULTS = RegressionConfig()
DEFAULT_BACKEND = "compiled"
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def config_to_query(config: RegressionConfig, backend: str = DEFAULT_BACKEND) -> dict[str, str]:
    """Only the fields that differ from the defaults, as short strings (booleans as 1/0)."""
    query = {}
    for name in FIELD_NAMES:
        value = getattr(config, name)
        if value != getattr(DEFAULTS, name):
            query[name] = (
                ("1" if value else "0")
                if isinstance(value, bool)
                else f"{value:g}"
                if isinstance(value, float)
                else str(value)
            )
    if backend != DEFAULT_BACKEND:
        query["backend"] = backend
    return query


def _parse(name: str, text: str) -> Any:
    default = getattr(DEFAULTS, name)
    text = text.strip()
    if isinstance(default, bool):
        if text.lower() in TRUE_WORDS | FALSE_WORDS:
            return text.lower() in TRUE_WORDS
        raise ConfigError(name, text, "must be 1 or 0 (true or false)")
    if isinstance(default, int):
        try:
            number = float(text)
        except ValueError:
            raise ConfigError(name, text, "must be a whole number") from None
        if not math.isfinite(number) or not number.is_integer():
            raise ConfigError(name, text, "must be a whole number")
        return int(number)
    if isinstance(default, float):
        try:
            return float(text)
        except ValueError:
            raise ConfigError(name, text, "must be a number") from None
    return text


def config_from_query(params: Mapping[str, str]) -> tuple[RegressionConfig, str, list[str]]:
    """Config and backend from query parameters; each bad or unknown value becomes a warning and its default."""
    warnings: list[str] = []
    values: dict[str, Any] = {}
    for key, text in params.items():
        if key == "backend":
            continue
        if key not in FIELD_NAMES:
            warnings.append(f"Ignored unknown URL parameter {key!r}; known: {', '.join(FIELD_NAMES)}, backend.")
            continue
        try:
            candidate = _parse(key, str(text))
            context = {"n_samples": MAX_SAMPLES, "epochs": 1} if key == "batch_size" else {}
            dataclasses.replace(DEFAULTS, **context, **{key: candidate})  # the field alone; clashes come later
            values[key] = candidate
        except ConfigError as error:
            warnings.append(
                f"URL parameter {error.field}={text!r} is not allowed ({error.allowed}); using the default."
            )
    config = _combine(values, warnings)
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
            if error.field not in FIELD_NAMES:
                return DEFAULTS
