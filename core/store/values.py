"""Checks of the values a run is saved with (status, name, tags, notes, config, events) and their JSON text."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from core.regression.fields import flag_name
from core.store.store_errors import StoreError

STATUSES: tuple[str, ...] = ("running", "paused", "done", "diverged")
MAX_NAME_CHARS = 200
MAX_TAG_CHARS = 50
MAX_TAGS = 20
MAX_NOTES_CHARS = 10_000
MAX_MESSAGE_CHARS = 10_000


def auto_name(config: Mapping, run_id: int) -> str:
    """A default run name such as "sgd lr=0.01 #12"."""
    parts = []
    if config.get("optimizer"):
        parts.append(str(config["optimizer"]))
    rate = config.get("learning_rate")
    if isinstance(rate, (int, float)) and not isinstance(rate, bool):
        parts.append(f"{flag_name('learning_rate')}={rate:g}")
    return f"{' '.join(parts) or 'run'} #{run_id}"


def run_id_value(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise StoreError(f"run id {value!r} is not allowed: must be a whole number ≥ 1")
    return int(value)


def status_value(value: Any) -> str:
    if value not in STATUSES:
        raise StoreError(f"status={value!r} is not allowed: must be one of {', '.join(STATUSES)}")
    return value


def text_value(field: str, value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise StoreError(f"{field} must be text, got {type(value).__name__}")
    if len(value) > limit:
        raise StoreError(f"{field} is {len(value):,} characters long; at most {limit:,} are allowed")
    return value


def name_value(value: Any) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name or len(name) > MAX_NAME_CHARS:
        raise StoreError(f"name={value!r} is not allowed: must be 1 to {MAX_NAME_CHARS} characters (not just spaces)")
    return name


def sweep_id_value(value: Any) -> str:
    sweep_id = text_value("sweep_id", value, MAX_NAME_CHARS).strip()
    if not sweep_id:
        raise StoreError("sweep_id must not be empty (use None for a run outside any sweep)")
    return sweep_id


def run_key_value(value: Any) -> str:
    """A live run's key: text of 1 to 200 characters, not just spaces."""
    key = text_value("run_key", value, MAX_NAME_CHARS).strip()
    if not key:
        raise StoreError("run_key must not be empty (use None for a run without a key)")
    return key


def tags_value(values: Any) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise StoreError(f"tags must be a list of strings, got {values!r}")
    tags: list[str] = []
    for value in values:
        tag = value.strip() if isinstance(value, str) else ""
        if not tag or len(tag) > MAX_TAG_CHARS:
            raise StoreError(f"tag {value!r} is not allowed: each tag must be 1 to {MAX_TAG_CHARS} characters")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise StoreError(f"{len(tags)} tags given; at most {MAX_TAGS} are allowed")
    return tags


def mapping_value(field: str, value: Any) -> dict:
    if not isinstance(value, Mapping):
        raise StoreError(f"{field} must be a dict, got {type(value).__name__}")
    return dict(value)


def events_value(values: Any) -> list[dict]:
    if isinstance(values, (str, Mapping)) or not isinstance(values, Sequence):
        raise StoreError(f"events must be a list of dicts, got {type(values).__name__}")
    return [mapping_value("each event", value) for value in values]


def json_text(field: str, value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True, default=_json_default)
    except (TypeError, ValueError) as error:
        raise StoreError(f"{field} cannot be stored as JSON: {error}") from None


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} values are not allowed (only numbers, text, lists and dicts)")
