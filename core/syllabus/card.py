"""What a syllabus card is: editable input fields with validation, a plain-TF lesson shown as its own source."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.syllabus.lesson_source import program

MAX_ABS = 1e6
MAX_VECTOR = 100
MAX_MATRIX_SIDE = 20


class CardInputError(ValueError):
    """A card input is malformed; the message names it and what is allowed."""


@dataclass(frozen=True)
class Field:
    """One editable input: its kind (number, positive, whole, vector, matrix, bool, choice) and default."""

    kind: str
    default: Any
    help: str = ""
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int = 0

    def parse(self, name: str, value: Any) -> Any:
        """The validated value, or CardInputError naming the input and what it allows."""
        parser = _PARSERS[self.kind]
        return parser(self, name, value)


@dataclass
class CardResult:
    """What a card's TF run produced: values, gradients (None where TF gave None), errors and an explanation."""

    values: dict[str, Any] = field(default_factory=dict)
    gradients: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    explanation: str = ""


def split_results(results: Mapping[str, Any], gradient_names: tuple[str, ...]) -> CardResult:
    """A lesson's named results as plain data: caught exceptions are errors, the named gradients are gradients."""
    split = CardResult()
    for name, value in results.items():
        if isinstance(value, BaseException):
            split.errors[name] = error_dict(value)
        elif name in gradient_names:
            split.gradients[name] = plain(value)
        else:
            split.values[name] = plain(value)
    return split


@dataclass(frozen=True)
class Card:
    """One lesson: a title, its input fields, the plain-TF lesson that runs (and is shown), and its explanation.

    ``lesson`` takes the inputs as keyword arguments and returns its named results; ``gradients`` names the results
    that are gradients. ``explain(inputs, results)`` writes the prose from the raw results; it is not shown.
    """

    name: str
    title: str
    fields: dict[str, Field]
    lesson: Callable[..., dict[str, Any]]
    explain: Callable[[dict[str, Any], dict[str, Any]], str]
    gradients: tuple[str, ...]
    presets: dict[str, dict[str, Any]] = field(default_factory=dict)
    check: Callable[[dict[str, Any]], str | None] | None = None

    def run(self, inputs: dict[str, Any]) -> CardResult:
        """Run the lesson with validated inputs in real TF, sort its results and explain them."""
        results = self.lesson(**inputs)
        outcome = split_results(results, self.gradients)
        outcome.explanation = self.explain(inputs, results)
        return outcome

    def code(self, inputs: dict[str, Any]) -> str:
        """The standalone program the learner sees: the lesson's own source, called with these inputs."""
        return program(self.lesson, inputs)

    def defaults(self) -> dict[str, Any]:
        """The default inputs as plain data."""
        return {name: spec.default for name, spec in self.fields.items()}

    def validate(self, inputs: Mapping[str, Any] | None) -> dict[str, Any]:
        """Defaults overlaid with the given inputs, every one checked."""
        given = {} if inputs is None else inputs
        if not isinstance(given, Mapping):
            raise CardInputError("inputs must be an object of input name -> value")
        unknown = sorted(str(key) for key in given if key not in self.fields)
        if unknown:
            raise CardInputError(f"unknown input {unknown[0]!r}; allowed: {', '.join(self.fields)}")
        merged = {**self.defaults(), **given}
        values = {name: spec.parse(name, merged[name]) for name, spec in self.fields.items()}
        problem = self.check(values) if self.check is not None else None
        if problem is not None:
            raise CardInputError(problem)
        return values


def _number(spec: Field, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CardInputError(f"{name}={value!r} is not allowed: must be a finite number")
    if abs(value) > MAX_ABS:
        raise CardInputError(f"{name}={value!r} is not allowed: must be at most {MAX_ABS:g} in size")
    return float(value)


def _positive(spec: Field, name: str, value: Any) -> float:
    number = _number(spec, name, value)
    if number <= 0:
        raise CardInputError(f"{name}={value!r} is not allowed: must be greater than 0")
    return number


def _whole(spec: Field, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
        raise CardInputError(f"{name}={value!r} is not allowed: must be a whole number in [{spec.low}, {spec.high}]")
    if not spec.low <= value <= spec.high:
        raise CardInputError(f"{name}={value!r} is not allowed: must be a whole number in [{spec.low}, {spec.high}]")
    return int(value)


def _vector(spec: Field, name: str, value: Any) -> list[float]:
    if not isinstance(value, list | tuple) or not 1 <= len(value) <= MAX_VECTOR:
        raise CardInputError(f"{name} must be a list of 1 to {MAX_VECTOR} numbers")
    return [_number(spec, f"{name}[{i}]", item) for i, item in enumerate(value)]


def _matrix(spec: Field, name: str, value: Any) -> list[list[float]]:
    side = MAX_MATRIX_SIDE
    if not isinstance(value, list | tuple) or not 1 <= len(value) <= side:
        raise CardInputError(f"{name} must be a list of 1 to {side} rows, each a list of 1 to {side} numbers")
    rows = [_vector(spec, f"{name}[{i}]", row) for i, row in enumerate(value)]
    if len({len(row) for row in rows}) != 1 or len(rows[0]) > side:
        raise CardInputError(f"{name} must have rows of equal length (1 to {side} numbers)")
    return rows


def _bool(spec: Field, name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise CardInputError(f"{name}={value!r} is not allowed: must be true or false")
    return value


def _choice(spec: Field, name: str, value: Any) -> str:
    if value not in spec.choices:
        raise CardInputError(f"{name}={value!r} is not allowed: must be one of {', '.join(spec.choices)}")
    return value


_PARSERS: dict[str, Callable[[Field, str, Any], Any]] = {
    "number": _number,
    "positive": _positive,
    "whole": _whole,
    "vector": _vector,
    "matrix": _matrix,
    "bool": _bool,
    "choice": _choice,
}


def show(value: Any) -> str:
    """A value for an explanation: None, a number, or nested lists, with 4 significant digits."""
    if value is None:
        return "None"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(show(item) for item in value) + "]"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def plain(value: Any) -> Any:
    """A tensor, Variable or list of them as plain nested lists; None stays None."""
    if value is None:
        return None
    if hasattr(value, "numpy"):
        return value.numpy().tolist()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def error_dict(error: BaseException) -> dict[str, str]:
    """TF's own exception class name and message."""
    return {"type": type(error).__name__, "message": str(error).strip()}
