"""Config values as text and back, in one place: numbers, whole numbers, true/false words and batch size "full".

The URL query, the CLI flags, the sweep form's comma lists and run labels all parse and print values here, so
"1e6", "1_000", "yes" and "full" mean the same thing everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from core.regression.fields import FIELD_TABLE, FIELDS, FULL_BATCH, FieldSpec, short_name

TRUE_WORDS: frozenset[str] = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS: frozenset[str] = frozenset({"0", "false", "no", "off"})


class ValueTextError(ValueError):
    """Text that is not a value of its field's type; the message quotes the text and says what it should be."""


def number(text: str) -> float:
    """A finite float from text such as 0.01, 1e-3 or 1_000."""
    try:
        value = float(text.strip().replace("_", ""))
    except ValueError:
        raise ValueTextError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueTextError(f"{text!r} is not a finite number")
    return value


def whole(text: str) -> int:
    """An int from text such as 1000, 1e6 or 1_000_000."""
    try:
        value = float(text.strip().replace("_", ""))
    except ValueError:
        raise ValueTextError(f"{text!r} is not a whole number") from None
    if not math.isfinite(value) or not value.is_integer():
        raise ValueTextError(f"{text!r} is not a whole number")
    return int(value)


def boolean(text: str) -> bool:
    """true/on/yes/1 or false/off/no/0, in any case."""
    word = text.strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ValueTextError(f"{text!r} is not true or false")
    return word in TRUE_WORDS


def word(text: str) -> str:
    """A name such as adam, lower-cased; whether it is allowed is the config's check."""
    return text.strip().lower()


def whole_or_full(text: str) -> int | str:
    """A whole number, or "full" (all samples in one batch)."""
    if text.strip().lower() == FULL_BATCH:
        return FULL_BATCH
    try:
        return whole(text)
    except ValueTextError:
        raise ValueTextError(f"{text!r} is not a whole number or {FULL_BATCH!r}") from None


def _parser(spec: FieldSpec) -> Callable[[str], Any]:
    if spec.takes_full:
        return whole_or_full
    return {bool: boolean, int: whole, float: number, str: word}[spec.kind]


def parse_value(field: str, text: str) -> Any:
    """The value of field written as text (batch_size may be "full"); ValueTextError if it is not one."""
    return _parser(FIELDS[field])(text)


def parse_list(field: str, text: str) -> list[Any]:
    """A comma list of field's values, e.g. "0.001, 0.01" → [0.001, 0.01]; blanks between commas are skipped."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise ValueTextError("expected a comma-separated list of values")
    return [parse_value(field, part) for part in parts]


def resolve_full(values: Mapping[str, Any], n_samples: int) -> dict[str, Any]:
    """values with batch_size "full" replaced by n_samples (the values' own n_samples when they hold one)."""
    resolved = dict(values)
    for spec in FIELD_TABLE:
        given = resolved.get(spec.name)
        if spec.takes_full and isinstance(given, str) and given.strip().lower() == FULL_BATCH:
            resolved[spec.name] = resolved.get(spec.high, n_samples)
    return resolved


def float_text(value: float) -> str:
    """The shortest text that reads back as exactly value: 0.01, 5, 1e-05, 1.2345678."""
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def value_text(value: Any) -> str:
    """A config value as the CLI prints it: true/false, 0.01, adam; floats read back exactly."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return float_text(value) if isinstance(value, float) else str(value)


def query_text(value: Any) -> str:
    """A config value as a URL query writes it: 1/0, 0.01, adam."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return value_text(value)


def display_text(value: Any) -> str:
    """A config value for labels on the page: on/off, 0.01, adam."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return value_text(value)


JUMPS = {"w_init": "w", "b_init": "b"}  # a new initial value mid-run sets the parameter to it (it jumps)
CONVERGED_MARK = "converged"  # not a field: the step charts' mark where a run converged (ui.live.convergence_mark)


def event_label(event: Mapping[str, Any]) -> str:
    """'lr 0.01→0.1 @ step 512' for a mid-run change with step, field, old and new; 'w set to 8 @ step 448' for a
    new initial w or b, which sets w or b from the next step."""
    if event["field"] == CONVERGED_MARK:
        return f"converged @ step {event['step']:,}"
    if event["field"] in JUMPS:
        return f"{JUMPS[event['field']]} set to {display_text(event['new'])} @ step {event['step']:,}"
    name = short_name(event["field"])
    return f"{name} {display_text(event['old'])}→{display_text(event['new'])} @ step {event['step']:,}"
