"""Config ↔ URL query parameters, so a copied link reopens the same setup; bad values fall back with a warning.

Each value is first checked alone against its row of the field table; limits between fields (batch_size at
most n_samples, at most MAX_TOTAL_STEPS steps in all) are then checked on the whole query, in one message.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from itertools import combinations
from typing import Any

from core.regression.config import ConfigError, RegressionConfig, check_value, steps_per_epoch
from core.regression.fields import (
    BACKEND_NAMES,
    DEFAULT_BACKEND,
    FIELDS,
    MAX_TOTAL_STEPS,
    UPLOADED,
    URL_FIELDS,
    range_text,
)
from core.regression.value_text import ValueTextError, parse_value, query_text, resolve_full

DEFAULTS = RegressionConfig()
URL_KEYS: dict[str, str] = {spec.url_key: spec.name for spec in URL_FIELDS}
BACKEND_KEY = "backend"
STEP_FIELDS: tuple[str, ...] = ("n_samples", "batch_size", "epochs")  # the fields a run's length depends on
UPLOADED_WARNING = (
    f"URL parameter data_source={UPLOADED}: uploaded data cannot travel in a link, so this link opens the "
    "tutorial's synthetic data; choose Your data (CSV) in the sidebar and upload the file again."
)
DROP_ORDER: tuple[str, ...] = ("batch_size", "epochs", "n_samples")  # which clashing field falls back first


def config_to_query(config: RegressionConfig, backend: str = DEFAULT_BACKEND) -> dict[str, str]:
    """Only the fields that differ from the defaults, as short strings (booleans as 1/0)."""
    query = {}
    for spec in URL_FIELDS:
        value = getattr(config, spec.name)
        if value != spec.default:
            query[spec.url_key] = query_text(value)
    if backend != DEFAULT_BACKEND:
        query[BACKEND_KEY] = backend
    return query


def single_values(params: Mapping[str, str | Iterable[str]]) -> tuple[dict[str, str], list[str]]:
    """One text per key; a key given several times with different values is dropped with a warning.

    Streamlit's st.query_params.to_dict() keeps only the last of ?lr=0.1&lr=0.2; pass get_all's lists here.
    """
    single: dict[str, str] = {}
    warnings: list[str] = []
    for key, given in params.items():
        texts = [given] if isinstance(given, str) else [str(text) for text in given]
        if len(set(texts)) > 1:
            quoted = ", ".join(repr(text) for text in texts)
            warnings.append(
                f"URL parameter {key} is given {len(texts)} times ({quoted}); give it once. Using the default."
            )
        elif texts:
            single[key] = texts[0]
    return single, warnings


def _parse(name: str, text: str) -> Any:
    """The field's value from its URL text, checked alone against its row, or ConfigError saying what is allowed."""
    spec = FIELDS[name]
    if not text.isascii():
        raise ConfigError(name, text, f"write it with plain ASCII characters; allowed: {range_text(spec)}")
    try:
        value = parse_value(name, text)
    except ValueTextError as error:
        raise ConfigError(name, text, f"{error}; allowed: {range_text(spec)}") from None
    if isinstance(value, str) and spec.takes_full:
        return value  # "full": whatever n_samples turns out to be
    room = {spec.high: FIELDS[spec.high].widget_high} if isinstance(spec.high, str) else {}
    try:
        return check_value(spec, value, room)
    except ConfigError as error:
        raise ConfigError(name, text, error.allowed) from None


def config_from_query(
    params: Mapping[str, str], extra_keys: Collection[str] = ()
) -> tuple[RegressionConfig, str, list[str]]:
    """Config and backend from query parameters; each bad or unknown value becomes a warning and its default.

    extra_keys are parameters the page reads itself (speed, chart options): known here, but not parsed.
    """
    warnings: list[str] = []
    values: dict[str, Any] = {}
    texts: dict[str, str] = {}
    for key, text in params.items():
        if key == BACKEND_KEY or key in extra_keys:
            continue
        if key not in URL_KEYS:
            known = ", ".join([*URL_KEYS, BACKEND_KEY, *extra_keys])
            warnings.append(f"Ignored unknown URL parameter {key!r}; known: {known}.")
            continue
        name = URL_KEYS[key]
        if name == "data_source" and str(text).strip().lower() == UPLOADED:
            warnings.append(UPLOADED_WARNING)
            continue
        try:
            values[name] = _parse(name, str(text))
            texts[name] = str(text)
        except ConfigError as error:
            warnings.append(f"URL parameter {key}={text!r} is not allowed ({error.allowed}); using the default.")
    config = _combine(resolve_full(values, DEFAULTS.n_samples), texts, warnings)
    backend = str(params.get(BACKEND_KEY, DEFAULT_BACKEND))
    if backend not in BACKEND_NAMES:
        warnings.append(
            f"URL parameter backend={backend!r} must be one of {', '.join(BACKEND_NAMES)}; using {DEFAULT_BACKEND}."
        )
        backend = DEFAULT_BACKEND
    return config, backend, warnings


def _clash(values: Mapping[str, Any]) -> tuple[tuple[str, ...], str] | None:
    """The step fields that clash (missing ones at their defaults) and what is wrong with them, or None."""
    n_samples, batch_size, epochs = (values.get(name, getattr(DEFAULTS, name)) for name in STEP_FIELDS)
    if batch_size > n_samples:
        return ("n_samples", "batch_size"), "batch_size may be at most n_samples"
    total = epochs * steps_per_epoch(n_samples, batch_size)
    if total > MAX_TOTAL_STEPS:
        return (
            STEP_FIELDS,
            f"{total:,} steps (epochs × ceil(n_samples / batch_size)), but at most {MAX_TOTAL_STEPS:,} are allowed",
        )
    return None


def _fallback(values: Mapping[str, Any], given: tuple[str, ...]) -> tuple[str, ...]:
    """The fewest given step fields whose defaults end the clash, trying them in DROP_ORDER."""
    ordered = sorted(given, key=DROP_ORDER.index)
    for size in range(1, len(ordered) + 1):
        for dropped in combinations(ordered, size):
            if _clash({name: value for name, value in values.items() if name not in dropped}) is None:
                return dropped
    return tuple(ordered)


def _combine(values: dict[str, Any], texts: Mapping[str, str], warnings: list[str]) -> RegressionConfig:
    """The config of values valid alone; step fields that clash together fall back, in one warning naming them."""
    clash = _clash(values)
    if clash is not None:
        involved, problem = clash
        given = tuple(name for name in involved if name in values)
        dropped = _fallback(values, given)
        named = ", ".join(f"{name}={texts[name]}" for name in given)
        defaults = [f"{name}={getattr(DEFAULTS, name)}" for name in involved if name not in given]
        implied = f" (with the default{'s' if len(defaults) > 1 else ''} {', '.join(defaults)})" if defaults else ""
        using = ", ".join(f"{name}={getattr(DEFAULTS, name)}" for name in dropped)
        kept = ", ".join(f"{name}={texts[name]}" for name in given if name not in dropped)
        warnings.append(
            f"URL parameter{'s' if len(given) > 1 else ''} {named}{implied}: {problem}. "
            f"Using the default{'s' if len(dropped) > 1 else ''} {using}" + (f"; keeping {kept}." if kept else ".")
        )
        values = {name: value for name, value in values.items() if name not in dropped}
    try:
        return RegressionConfig(**values)
    except ConfigError as error:  # a safety net: every limit between fields is checked above
        warnings.append(f"URL parameters {error}; using the defaults.")
        return DEFAULTS
