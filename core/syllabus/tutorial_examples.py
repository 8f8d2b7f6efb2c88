"""The tutorial's four GradientTape examples as functions that run real TF and report values, gradients and errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import tensorflow as tf

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


def _make(kind: str, values: tuple[float, ...]) -> tf.Tensor | tf.Variable:
    if kind == "variable":
        return tf.Variable(list(values), dtype=tf.float32)
    return tf.constant(list(values), dtype=tf.float32)


def _declare(name: str, kind: str, values: tuple[float, ...]) -> str:
    constructor = "tf.Variable" if kind == "variable" else "tf.constant"
    return f"{name} = {constructor}({list(values)!r}, dtype=tf.float32)"


def _tape_line(persistent: bool) -> str:
    return "with tf.GradientTape(persistent=True) as tape:" if persistent else "with tf.GradientTape() as tape:"


def _none_reason(source: str, kind: str) -> str:
    if kind == "constant":
        return f"{source} is a tf.constant: the tape only watches trainable Variables unless told to tape.watch() it"
    return f"{source} is not connected to the target through recorded operations"


def _record(result: ExampleResult, sources: dict[str, tuple[Any, str]], gradients: list) -> None:
    for (name, (_, kind)), gradient in zip(sources.items(), gradients):
        result.gradients[name] = None if gradient is None else gradient.numpy().tolist()
        if gradient is None:
            result.none_reasons[name] = _none_reason(name, kind)


def _forward(inputs: ExampleInputs, chain: bool) -> tuple[tf.GradientTape, dict[str, Any]]:
    t1 = _make(inputs.t1_kind, inputs.t1)
    t2 = _make(inputs.t2_kind, inputs.t2)
    with tf.GradientTape(persistent=inputs.persistent) as tape:
        t3 = t1 * t2
        t4 = t3 + t2 if chain else None
    tensors = {"t1": t1, "t2": t2, "t3": t3}
    if chain:
        tensors["t4"] = t4
    return tape, tensors


def _header(inputs: ExampleInputs, body: list[str]) -> list[str]:
    return [
        "import tensorflow as tf",
        "",
        _declare("t1", inputs.t1_kind, inputs.t1),
        _declare("t2", inputs.t2_kind, inputs.t2),
        "",
        _tape_line(inputs.persistent),
        *body,
        "",
    ]


def _guarded(result: ExampleResult, action: Callable[[], None]) -> ExampleResult:
    try:
        action()
    except (tf.errors.OpError, RuntimeError, ValueError, TypeError) as exc:
        result.error = {"type": type(exc).__name__, "message": str(exc).strip()}
    return result


def _values(result: ExampleResult, tensors: dict[str, Any]) -> None:
    result.values = {name: tensor.numpy().tolist() for name, tensor in tensors.items()}


def product(inputs: ExampleInputs) -> ExampleResult:
    """t3 = t1 * t2; gradients of t3 with respect to t1 and t2."""
    code = _header(inputs, ["    t3 = t1 * t2"]) + ["gradients = tape.gradient(t3, [t1, t2])"]
    result = ExampleResult("product", "\n".join(code))

    def act() -> None:
        tape, tensors = _forward(inputs, chain=False)
        _values(result, tensors)
        sources = {"t1": (tensors["t1"], inputs.t1_kind), "t2": (tensors["t2"], inputs.t2_kind)}
        _record(result, sources, tape.gradient(tensors["t3"], [tensors["t1"], tensors["t2"]]))

    return _guarded(result, act)


def constant_source(inputs: ExampleInputs) -> ExampleResult:
    """The product again, but t1 is a tf.constant by default: its gradient is None."""
    return ExampleResult(**{**product(inputs).__dict__, "name": "constant"})


def chain(inputs: ExampleInputs) -> ExampleResult:
    """t3 = t1 * t2, t4 = t3 + t2; gradients of t4 with respect to t1, t2 and the intermediate t3."""
    code = _header(inputs, ["    t3 = t1 * t2", "    t4 = t3 + t2"]) + ["gradients = tape.gradient(t4, [t1, t2, t3])"]
    result = ExampleResult("chain", "\n".join(code))

    def act() -> None:
        tape, tensors = _forward(inputs, chain=True)
        _values(result, tensors)
        sources = {
            "t1": (tensors["t1"], inputs.t1_kind),
            "t2": (tensors["t2"], inputs.t2_kind),
            "t3": (tensors["t3"], "intermediate"),
        }
        _record(result, sources, tape.gradient(tensors["t4"], [tensors["t1"], tensors["t2"], tensors["t3"]]))

    return _guarded(result, act)


def second_call(inputs: ExampleInputs) -> ExampleResult:
    """Two tape.gradient calls on one tape: a non-persistent tape raises TF's RuntimeError on the second."""
    code = _header(inputs, ["    t3 = t1 * t2"]) + [
        "gradients = tape.gradient(t3, [t1, t2])",
        "gradients_again = tape.gradient(t3, [t1, t2])  # the second call",
    ]
    result = ExampleResult("second_call", "\n".join(code))

    def act() -> None:
        tape, tensors = _forward(inputs, chain=False)
        _values(result, tensors)
        sources = {"t1": (tensors["t1"], inputs.t1_kind), "t2": (tensors["t2"], inputs.t2_kind)}
        targets = [tensors["t1"], tensors["t2"]]
        _record(result, sources, tape.gradient(tensors["t3"], targets))
        again = tape.gradient(tensors["t3"], targets)
        result.second_gradients = {
            name: None if gradient is None else gradient.numpy().tolist() for name, gradient in zip(sources, again)
        }

    return _guarded(result, act)


EXAMPLES: dict[str, Callable[[ExampleInputs], ExampleResult]] = {
    "product": product,
    "constant": constant_source,
    "chain": chain,
    "second_call": second_call,
}
DEFAULT_INPUTS: dict[str, ExampleInputs] = {
    "product": ExampleInputs(),
    "constant": ExampleInputs(t1_kind="constant"),
    "chain": ExampleInputs(),
    "second_call": ExampleInputs(),
}


def run_example(name: str, inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run one example by name with plain-data inputs (defaults when None); returns plain data."""
    if name not in EXAMPLES:
        raise ExampleInputError(f"unknown example {name!r}; allowed: {', '.join(EXAMPLES)}")
    chosen = (
        DEFAULT_INPUTS[name] if inputs is None else ExampleInputs.from_dict({**asdict(DEFAULT_INPUTS[name]), **inputs})
    )
    return EXAMPLES[name](chosen).to_dict()
