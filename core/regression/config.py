"""The regression run's settings: a validated, frozen, JSON-friendly dataclass that never imports TensorFlow."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad")
LOSSES: tuple[str, ...] = ("mse", "mae", "huber")
BACKEND_NAMES: tuple[str, ...] = ("compiled", "eager")

# Hard limits that keep a 24 GB machine safe. A trace row costs about 24 bytes in the engine, so the
# longest allowed run keeps its full trace in roughly 250 MB; the largest data set is 80 MB of float32.
MAX_SAMPLES = 10_000_000
MAX_EPOCHS = 10_000
MAX_TOTAL_STEPS = 10_000_000
MAX_ABS_TARGET = 1_000.0
MAX_ABS_INIT = 10_000.0
MAX_NOISE_STD = 1_000.0
MAX_LEARNING_RATE = 10.0
MAX_SEED = 2**31 - 1


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


def steps_per_epoch(n_samples: int, batch_size: int) -> int:
    """Number of updates in one pass over the data (the last batch may be smaller)."""
    return -(-n_samples // batch_size)


@dataclass(frozen=True)
class RegressionConfig:
    """Settings of one y = w·x + b run; the defaults are the tutorial's."""

    w_target: float = 5.0
    b_target: float = 3.0
    n_samples: int = 1000
    noise_std: float = 0.0
    seed: int = 0
    epochs: int = 2
    learning_rate: float = 1e-2
    batch_size: int = 1
    shuffle: bool = False
    optimizer: str = "sgd"
    loss: str = "mse"
    w_init: float = 0.0
    b_init: float = 0.0

    def __post_init__(self) -> None:
        checked = {
            "w_target": _number("w_target", self.w_target, -MAX_ABS_TARGET, MAX_ABS_TARGET),
            "b_target": _number("b_target", self.b_target, -MAX_ABS_TARGET, MAX_ABS_TARGET),
            "n_samples": _integer("n_samples", self.n_samples, 1, MAX_SAMPLES),
            "noise_std": _number("noise_std", self.noise_std, 0.0, MAX_NOISE_STD),
            "seed": _integer("seed", self.seed, 0, MAX_SEED),
            "epochs": _integer("epochs", self.epochs, 1, MAX_EPOCHS),
            "learning_rate": _number("learning_rate", self.learning_rate, 0.0, MAX_LEARNING_RATE, open_low=True),
            "optimizer": _choice("optimizer", self.optimizer, OPTIMIZERS),
            "loss": _choice("loss", self.loss, LOSSES),
            "w_init": _number("w_init", self.w_init, -MAX_ABS_INIT, MAX_ABS_INIT),
            "b_init": _number("b_init", self.b_init, -MAX_ABS_INIT, MAX_ABS_INIT),
        }
        checked["batch_size"] = _integer("batch_size", self.batch_size, 1, checked["n_samples"])
        if not isinstance(self.shuffle, bool):
            raise ConfigError("shuffle", self.shuffle, "must be true or false")
        for name, value in checked.items():
            object.__setattr__(self, name, value)
        total = self.total_steps
        if total > MAX_TOTAL_STEPS:
            raise ConfigError(
                "epochs",
                self.epochs,
                f"epochs × ceil(n_samples / batch_size) = {total:,} steps; at most "
                f"{MAX_TOTAL_STEPS:,} steps are allowed (fewer epochs or a larger batch_size)",
            )

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
        """Plain dict of every field."""
        return dataclasses.asdict(self)

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


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(RegressionConfig))


def _reject_unknown(values: Mapping[str, Any]) -> None:
    """Raise ConfigError naming the first key that is not a RegressionConfig field."""
    for key in values:
        if key not in FIELD_NAMES:
            raise ConfigError(str(key), values[key], f"unknown field; known fields: {', '.join(FIELD_NAMES)}")
