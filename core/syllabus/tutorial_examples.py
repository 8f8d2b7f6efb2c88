"""The tutorial's four GradientTape examples as plain-TF lessons, run for real and shown as their own source."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import tensorflow as tf

from core.syllabus.card import error_dict, plain
from core.syllabus.lesson_source import program

KINDS = ("variable", "constant")
MAX_VECTOR_LENGTH = 1000


class ExampleInputError(ValueError):
    """An example input is malformed; the message names it and what is allowed."""


@dataclass(frozen=True)
class ExampleInputs:
    """Editable inputs shared by the examples: the vectors t1, t2, their kinds, and the tape's persistence."""

    t1: tuple[float, ...] = (1.0, 2.0, 3.0)
    t2: tuple[float, ...] = (10.0, 20.0, 30.0)
    t1_kind: str = "variable"
    t2_kind: str = "variable"
    persistent: bool = False

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ExampleInputs:
        """Validate plain data (e.g. from the page or JSON) into inputs."""
        unknown = set(values) - {"t1", "t2", "t1_kind", "t2_kind", "persistent"}
        if unknown:
            raise ExampleInputError(
                f"unknown input {sorted(unknown)[0]!r}; allowed: t1, t2, t1_kind, t2_kind, persistent"
            )
        merged = {**asdict(cls()), **values}
        for name in ("t1", "t2"):
            merged[name] = _vector(name, merged[name])
        for name in ("t1_kind", "t2_kind"):
            if merged[name] not in KINDS:
                raise ExampleInputError(f"{name}={merged[name]!r} is not allowed: must be one of {', '.join(KINDS)}")
        if not isinstance(merged["persistent"], bool):
            raise ExampleInputError(f"persistent={merged['persistent']!r} is not allowed: must be true or false")
        return cls(**merged)

    def arguments(self) -> dict[str, Any]:
        """The inputs as a lesson's keyword arguments, vectors as lists."""
        return {**asdict(self), "t1": list(self.t1), "t2": list(self.t2)}


def _vector(name: str, value: Any) -> tuple[float, ...]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, (list, tuple)) or not 1 <= len(value) <= MAX_VECTOR_LENGTH:
        raise ExampleInputError(f"{name} must be a list of 1 to {MAX_VECTOR_LENGTH} numbers")
    numbers = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (int, float)) or not math.isfinite(item):
            raise ExampleInputError(f"{name} holds {item!r}: every element must be a finite number")
        numbers.append(float(item))
    return tuple(numbers)


@dataclass
class ExampleResult:
    """What an example printed: values, gradients (None where TF gave None, with a reason) and any TF error."""

    name: str
    code: str
    values: dict[str, list[float]] = field(default_factory=dict)
    gradients: dict[str, list[float] | None] = field(default_factory=dict)
    none_reasons: dict[str, str] = field(default_factory=dict)
    second_gradients: dict[str, list[float] | None] | None = None
    error: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON or the engine pipe."""
        return asdict(self)


# The lessons: what runs, and what the learner reads -----------------------------------------------------------


def make_tensor(kind: str, values: list[float]) -> tf.Tensor | tf.Variable:
    """A tf.Variable or a tf.constant holding values, as float32."""
    if kind == "variable":
        return tf.Variable(values, dtype=tf.float32)
    return tf.constant(values, dtype=tf.float32)


def product(t1: list[float], t2: list[float], t1_kind: str, t2_kind: str, persistent: bool) -> dict[str, object]:
    """t3 = t1 * t2; gradients of t3 with respect to t1 and t2."""
    t1 = make_tensor(t1_kind, t1)
    t2 = make_tensor(t2_kind, t2)
    with tf.GradientTape(persistent=persistent) as tape:
        t3 = t1 * t2
    gradients = tape.gradient(t3, [t1, t2])
    return {"t1": t1, "t2": t2, "t3": t3, "gradients": gradients}


def chain(t1: list[float], t2: list[float], t1_kind: str, t2_kind: str, persistent: bool) -> dict[str, object]:
    """t3 = t1 * t2, t4 = t3 + t2; gradients of t4 with respect to t1, t2 and the intermediate t3."""
    t1 = make_tensor(t1_kind, t1)
    t2 = make_tensor(t2_kind, t2)
    with tf.GradientTape(persistent=persistent) as tape:
        t3 = t1 * t2
        t4 = t3 + t2
    gradients = tape.gradient(t4, [t1, t2, t3])
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "gradients": gradients}


def second_call(t1: list[float], t2: list[float], t1_kind: str, t2_kind: str, persistent: bool) -> dict[str, object]:
    """Two tape.gradient calls on one tape: a non-persistent tape raises TF's RuntimeError on the second."""
    t1 = make_tensor(t1_kind, t1)
    t2 = make_tensor(t2_kind, t2)
    with tf.GradientTape(persistent=persistent) as tape:
        t3 = t1 * t2
    gradients = tape.gradient(t3, [t1, t2])
    try:
        gradients_again = tape.gradient(t3, [t1, t2])  # the second call
    except RuntimeError as error:
        gradients_again = error
    return {"t1": t1, "t2": t2, "t3": t3, "gradients": gradients, "gradients_again": gradients_again}


# Running a lesson and reporting what it printed ---------------------------------------------------------------

GRADIENT_RESULTS = ("gradients", "gradients_again")
TF_ERRORS = (tf.errors.OpError, RuntimeError, ValueError, TypeError)


@dataclass(frozen=True)
class Example:
    """One example: the lesson that runs and is shown, and the sources its gradient list follows, in order."""

    lesson: Callable[..., dict[str, Any]]
    sources: tuple[str, ...] = ("t1", "t2")


EXAMPLES: dict[str, Example] = {
    "product": Example(product),
    "constant": Example(product),
    "chain": Example(chain, ("t1", "t2", "t3")),
    "second_call": Example(second_call),
}
DEFAULT_INPUTS: dict[str, ExampleInputs] = {
    "product": ExampleInputs(),
    "constant": ExampleInputs(t1_kind="constant"),
    "chain": ExampleInputs(),
    "second_call": ExampleInputs(),
}


def _none_reason(source: str, kind: str) -> str:
    if kind == "constant":
        return f"{source} is a tf.constant: the tape only watches trainable Variables unless told to tape.watch() it"
    return f"{source} is not connected to the target through recorded operations"


def _record(result: ExampleResult, inputs: ExampleInputs, sources: tuple[str, ...], gradients: list) -> None:
    kinds = {"t1": inputs.t1_kind, "t2": inputs.t2_kind}
    for name, gradient in zip(sources, gradients):
        result.gradients[name] = plain(gradient)
        if gradient is None:
            result.none_reasons[name] = _none_reason(name, kinds.get(name, "intermediate"))


def _record_again(result: ExampleResult, sources: tuple[str, ...], again: Any) -> None:
    if isinstance(again, BaseException):
        result.error = error_dict(again)
    elif again is not None:
        result.second_gradients = {name: plain(gradient) for name, gradient in zip(sources, again)}


def run_lesson(name: str, inputs: ExampleInputs) -> ExampleResult:
    """Run one example's lesson in TF; a TF error for these inputs is reported, never raised."""
    example = EXAMPLES[name]
    arguments = inputs.arguments()
    result = ExampleResult(name, program(example.lesson, arguments))
    try:
        results = example.lesson(**arguments)
    except TF_ERRORS as error:
        result.error = error_dict(error)
        return result
    result.values = {key: plain(value) for key, value in results.items() if key not in GRADIENT_RESULTS}
    _record(result, inputs, example.sources, results["gradients"])
    _record_again(result, example.sources, results.get("gradients_again"))
    return result


def run_example(name: str, inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run one example by name with plain-data inputs (defaults when None); returns plain data."""
    if name not in EXAMPLES:
        raise ExampleInputError(f"unknown example {name!r}; allowed: {', '.join(EXAMPLES)}")
    chosen = (
        DEFAULT_INPUTS[name] if inputs is None else ExampleInputs.from_dict({**asdict(DEFAULT_INPUTS[name]), **inputs})
    )
    return run_lesson(name, chosen).to_dict()
