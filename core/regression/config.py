"""The regression run's settings: a frozen, JSON-friendly dataclass built and checked from the field table; no TF."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.regression.fields import FIELD_NAMES, FIELD_TABLE, MAX_TOTAL_STEPS, UPLOADED, FieldSpec


class ConfigError(ValueError):
    """A config value is out of range; names the field, the bad value and what is allowed."""

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}={value!r} is not allowed: {allowed}")


def _number(name: str, value: Any, low: float, high: float, *, open_low: bool = False) -> float:
    """Return value as a finite float in [low, high] (or (low, high]) or raise ConfigError."""
    low_bracket = "(" if open_low else "["
    allowed = f"must be a finite number in {low_bracket}{low:g}, {high:g}]"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(name, value, allowed)
    number = float(value)
    if not math.isfinite(number) or number > high or number < low or (open_low and number <= low):
        raise ConfigError(name, value, allowed)
    return number


def _integer(name: str, value: Any, low: int, high: int) -> int:
    """Return value as an int in [low, high] (integral floats are accepted) or raise ConfigError."""
    allowed = f"must be a whole number in [{low:,}, {high:,}]"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(name, value, allowed)
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise ConfigError(name, value, allowed)
    number = int(value)
    if not low <= number <= high:
        raise ConfigError(name, value, allowed)
    return number


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """Return value, lower-cased, if it is one of choices, else raise ConfigError."""
    allowed = f"must be one of {', '.join(choices)}"
    if not isinstance(value, str) or value.strip().lower() not in choices:
        raise ConfigError(name, value, allowed)
    return value.strip().lower()


def _text(name: str, value: Any, pattern: str) -> str:
    """Return value if it is empty or fully matches pattern, else raise ConfigError."""
    if not isinstance(value, str) or (value and re.fullmatch(pattern, value) is None):
        raise ConfigError(name, value, f"must be empty or match {pattern}")
    return value


def _flag(name: str, value: Any) -> bool:
    """Return value if it is a bool, else raise ConfigError."""
    if not isinstance(value, bool):
        raise ConfigError(name, value, "must be true or false")
    return value


def check_value(spec: FieldSpec, value: Any, context: Mapping[str, Any]) -> Any:
    """value checked against its field's row of the table; context holds the fields a limit may name."""
    high = context[spec.high] if isinstance(spec.high, str) else spec.high
    if spec.kind is bool:
        return _flag(spec.name, value)
    if spec.kind is str and spec.pattern:
        return _text(spec.name, value, spec.pattern)
    if spec.kind is str:
        return _choice(spec.name, value, spec.choices)
    if spec.kind is int:
        return _integer(spec.name, value, int(spec.low), int(high))
    return _number(spec.name, value, spec.low, high, open_low=spec.open_low)


def _from_table(cls: type) -> type:
    """Give cls one dataclass field per row of the field table, with its type and default."""
    cls.__annotations__ = {spec.name: spec.kind.__name__ for spec in FIELD_TABLE}
    for spec in FIELD_TABLE:
        setattr(cls, spec.name, spec.default)
    return dataclass(frozen=True)(cls)


def steps_per_epoch(n_samples: int, batch_size: int) -> int:
    """Number of updates in one pass over the data (the last batch may be smaller)."""
    return -(-n_samples // batch_size)


def step_count_text(n_samples: int, batch_size: int, epochs: int) -> str:
    """'epochs=2 × ceil(n_samples=1000 / batch_size=1) = 2,000 steps': the run's length with every field named."""
    total = epochs * steps_per_epoch(n_samples, batch_size)
    return f"epochs={epochs} × ceil(n_samples={n_samples} / batch_size={batch_size}) = {total:,} steps"


def check_total_steps(n_samples: int, batch_size: int, epochs: int) -> None:
    """Raise ConfigError (field "total_steps", naming epochs, n_samples and batch_size) if the run is too long."""
    total = epochs * steps_per_epoch(n_samples, batch_size)
    if total > MAX_TOTAL_STEPS:
        raise ConfigError(
            "total_steps",
            total,
            f"{step_count_text(n_samples, batch_size, epochs)}; at most {MAX_TOTAL_STEPS:,} steps are allowed "
            "(fewer epochs, fewer samples or a larger batch_size)",
        )


def check_data_set(data_source: str, data_hash: str) -> None:
    """Raise ConfigError unless uploaded data names its data set and generated data names none."""
    if data_source == UPLOADED and not data_hash:
        raise ConfigError("data_hash", data_hash, "your own data needs a data set: upload a CSV (or --data FILE)")
    if data_source != UPLOADED and data_hash:
        raise ConfigError("data_hash", data_hash, f"only data_source={UPLOADED} has a data set; leave it empty")


@_from_table
class RegressionConfig:
    """Settings of one y = w·x + b run: one field per row of core.regression.fields, defaults the tutorial's."""

    def __post_init__(self) -> None:
        checked: dict[str, Any] = {}
        for spec in FIELD_TABLE:  # n_samples comes before batch_size, whose limit it is
            checked[spec.name] = check_value(spec, getattr(self, spec.name), checked)
        for name, value in checked.items():
            object.__setattr__(self, name, value)
        check_total_steps(self.n_samples, self.batch_size, self.epochs)
        check_data_set(self.data_source, self.data_hash)

    @property
    def steps_per_epoch(self) -> int:
        """Updates per epoch."""
        return steps_per_epoch(self.n_samples, self.batch_size)

    @property
    def total_steps(self) -> int:
        """Updates in the whole run, if nothing changes mid-run."""
        return self.epochs * self.steps_per_epoch

    def replace(self, **changes: Any) -> RegressionConfig:
        """A validated copy with some fields changed; unknown fields raise ConfigError."""
        _reject_unknown(changes)
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of every field (all scalars: no deep copy, which made it a third of a live tick's view)."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> RegressionConfig:
        """Build from a (possibly partial) dict; missing fields take their defaults."""
        if not isinstance(values, Mapping):
            raise ConfigError("config", values, "must be a JSON object of field: value")
        _reject_unknown(values)
        return cls(**dict(values))

    def to_json(self) -> str:
        """Compact JSON text of every field."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RegressionConfig:
        """Parse JSON text produced by to_json (or any partial object of fields)."""
        try:
            values = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise ConfigError("config", text, f"must be valid JSON ({exc})") from None
        return cls.from_dict(values)


def _reject_unknown(values: Mapping[str, Any]) -> None:
    """Raise ConfigError naming the first key that is not a RegressionConfig field."""
    for key in values:
        if key not in FIELD_NAMES:
            raise ConfigError(str(key), values[key], f"unknown field; known fields: {', '.join(FIELD_NAMES)}")
