"""Validates a GradientTape explorer request (inputs, program, calls, options) into frozen data; imports no TF."""

from __future__ import annotations

import keyword
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.tape.functions import DTYPE_NAMES, MAX_ELEMENTS, MAX_RANK, Shape, size_of
from core.tape.nodes import Program, ProgramError
from core.tape.parser import MAX_LITERAL, RESERVED_NAMES, parse_program
from core.tape.work_budget import refusal

KINDS: tuple[str, ...] = ("variable", "constant", "nontrainable_variable")
UNCONNECTED: tuple[str, ...] = ("none", "zero")
MODES: tuple[str, ...] = ("gradient", "jacobian")
ORDERS: tuple[int, ...] = (1, 2)
MAX_INPUTS = 32
MAX_CALLS = 20
MAX_SOURCES = 32
MAX_NAME_LENGTH = 64
INT32_RANGE = (-(2**31), 2**31 - 1)
REQUEST_KEYS = frozenset(
    {"inputs", "program", "calls", "persistent", "watch_accessed_variables", "unconnected_gradients", "order", "mode"}
)
INPUT_KEYS = frozenset({"value", "dtype", "kind", "watch"})
CALL_KEYS = frozenset({"target", "sources"})


class RequestError(ProgramError):
    """A malformed request (not the program text): names the offending field and what is allowed."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def to_dict(self) -> dict[str, Any]:
        """Plain data: {"type", "message", "line", "col", "field"}."""
        return {**super().to_dict(), "field": self.field}


@dataclass(frozen=True)
class InputSpec:
    """One declared input: a name, its value (a number or nested tuples), dtype, kind and explicit watch."""

    name: str
    value: Any
    shape: Shape
    dtype: str = "float32"
    kind: str = "variable"
    watch: bool = False


@dataclass(frozen=True)
class GradientCall:
    """tape.gradient(target, [sources...])."""

    target: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class TapeOptions:
    """How the tape is built and how gradients are asked for."""

    persistent: bool = False
    watch_accessed_variables: bool = True
    unconnected_gradients: str = "none"
    order: int = 1
    mode: str = "gradient"


@dataclass(frozen=True)
class GradRequest:
    """A validated request: nothing in it can run anything outside the whitelist."""

    inputs: tuple[InputSpec, ...]
    program: Program
    calls: tuple[GradientCall, ...]
    options: TapeOptions = field(default_factory=TapeOptions)

    def input(self, name: str) -> InputSpec | None:
        """The declared input of that name, if any."""
        return next((spec for spec in self.inputs if spec.name == name), None)


def empty_response(error: dict[str, Any] | None = None) -> dict[str, Any]:
    """The response to a request that ran nothing: no values, no calls, an empty graph, and the error if any."""
    return {"values": {}, "calls": [], "graph": {"nodes": [], "edges": []}, "error": error}


def parse_request(request: Any) -> GradRequest:
    """Validate a whole request; raises RequestError for bad shapes and ProgramError for a refused program."""
    if not isinstance(request, Mapping):
        raise RequestError("the request must be a JSON object")
    _no_unknown(request, REQUEST_KEYS, "request")
    options = parse_options(request)
    inputs = parse_inputs(request.get("inputs", {}))
    source = request.get("program", "")
    if not isinstance(source, str):
        raise RequestError("program must be a string of assignments, one per line", "program")
    program = parse_program(source, {spec.name: spec.shape for spec in inputs})
    calls = parse_calls(request.get("calls", []), program.shapes, options)
    parsed = GradRequest(inputs, program, calls, options)
    too_long = refusal(parsed)
    if too_long is not None:
        raise RequestError(too_long, "request")
    return parsed


def _no_unknown(raw: Mapping, allowed: frozenset[str], where: str) -> None:
    unknown = sorted(str(key) for key in raw if key not in allowed)
    if unknown:
        raise RequestError(f"unknown key {unknown[0]!r} in {where}; allowed: {', '.join(sorted(allowed))}", where)


def parse_options(raw: Mapping[str, Any]) -> TapeOptions:
    """The tape options from a request, defaults for missing keys."""
    defaults = TapeOptions()
    values = {}
    for name in ("persistent", "watch_accessed_variables"):
        value = raw.get(name, getattr(defaults, name))
        if not isinstance(value, bool):
            raise RequestError(f"{name}={value!r} is not allowed: must be true or false", name)
        values[name] = value
    for name, allowed in (("unconnected_gradients", UNCONNECTED), ("order", ORDERS), ("mode", MODES)):
        value = raw.get(name, getattr(defaults, name))
        if isinstance(value, bool) or value not in allowed:
            shown = ", ".join(repr(a) for a in allowed)
            raise RequestError(f"{name}={value!r} is not allowed: must be one of {shown}", name)
        values[name] = value
    return TapeOptions(**values)


def parse_inputs(raw: Any) -> tuple[InputSpec, ...]:
    """Input declarations {name: {"value", "dtype", "kind", "watch"}} in the order given."""
    if not isinstance(raw, Mapping):
        raise RequestError('inputs must be an object like {"x": {"value": [1, 2]}}', "inputs")
    if len(raw) > MAX_INPUTS:
        raise RequestError(f"at most {MAX_INPUTS} inputs are allowed", "inputs")
    return tuple(parse_input(name, spec) for name, spec in raw.items())


def check_name(name: Any, where: str) -> str:
    """A usable tensor name: an identifier, no dunders, not a keyword and not 'tf'."""
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise RequestError(f"{where} name {name!r} is not a valid Python identifier", where)
    if "__" in name or name in RESERVED_NAMES or len(name) > MAX_NAME_LENGTH:
        raise RequestError(
            f"{where} name {name!r} is not allowed: no '__', not 'tf', at most {MAX_NAME_LENGTH} characters", where
        )
    return name


def parse_input(name: Any, raw: Any) -> InputSpec:
    """One input declaration; every message starts "input <name>:" and says what is allowed."""
    where = f"inputs.{name}"
    check_name(name, "input")
    said = f"input {name}:"
    if not isinstance(raw, Mapping):
        raise RequestError(f'{said} the declaration must be an object like {{"value": [1, 2, 3]}}', where)
    _no_unknown(raw, INPUT_KEYS, where)
    if "value" not in raw:
        raise RequestError(f"{said} it needs a value, a number or a nested list of numbers", where)
    dtype = raw.get("dtype", "float32")
    if dtype not in DTYPE_NAMES:
        raise RequestError(f"{said} dtype {dtype!r} is not allowed; allowed: {', '.join(DTYPE_NAMES)}", where)
    kind = raw.get("kind", "variable")
    if kind not in KINDS:
        raise RequestError(f"{said} kind {kind!r} is not allowed; allowed: {', '.join(KINDS)}", where)
    watch = raw.get("watch", False)
    if not isinstance(watch, bool):
        raise RequestError(f"{said} watch={watch!r} is not allowed: must be true or false", where)
    value, shape = parse_value(raw["value"], dtype, where)
    return InputSpec(name, value, shape, dtype, kind, watch)


def parse_value(value: Any, dtype: str, where: str) -> tuple[Any, Shape]:
    """A number or rectangular nested list of finite numbers (at most MAX_ELEMENTS) as nested tuples, and its shape."""
    said = f"input {where.removeprefix('inputs.')}:"
    shape: list[int] = []
    level = [value]
    while level and all(isinstance(item, list | tuple) for item in level):
        lengths = list(dict.fromkeys(len(item) for item in level))  # in the order the rows come
        if len(lengths) > 1:
            depth = "rows" if len(shape) == 1 else f"rows at depth {len(shape) + 1}"
            raise RequestError(
                f"{said} {depth} have different lengths ({lengths[0]} and {lengths[1]}); "
                "a tensor needs equal-length rows",
                where,
            )
        length = lengths[0]
        shape.append(length)
        if len(shape) > MAX_RANK or len(level) * length > MAX_ELEMENTS:
            raise RequestError(
                f"{said} the value is too big: at most {MAX_ELEMENTS:,} elements and {MAX_RANK} dimensions", where
            )
        level = [inner for item in level for inner in item]
    if any(isinstance(item, list | tuple) for item in level):
        raise RequestError(
            f"{said} a row mixes numbers and lists; a tensor needs equal-length rows of numbers, like [[1, 2], [3, 4]]",
            where,
        )
    if not _plain_floats(level, dtype):
        for item in level:
            _check_number(item, dtype, said, where)
    return _as_tuples(value, dtype), tuple(shape)


def _plain_floats(items: list[Any], dtype: str) -> bool:
    """The fast path for a big float value: every element a float or int within the limits (NaN fails)."""
    limit = MAX_LITERAL
    return dtype != "int32" and all(
        (type(item) is float or type(item) is int) and -limit <= item <= limit for item in items
    )


def _check_number(item: Any, dtype: str, said: str, where: str) -> None:
    if isinstance(item, bool) or not isinstance(item, int | float):
        raise RequestError(f"{said} it holds {item!r}: every element must be a number", where)
    if abs(item) > MAX_LITERAL or not math.isfinite(item):
        raise RequestError(f"{said} it holds {item!r}: numbers must be finite and at most {MAX_LITERAL:g}", where)
    if dtype == "int32" and (float(item) != int(item) or not INT32_RANGE[0] <= int(item) <= INT32_RANGE[1]):
        raise RequestError(f"{said} it holds {item!r}: int32 needs whole numbers in the int32 range", where)


def _as_tuples(value: Any, dtype: str) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_as_tuples(item, dtype) for item in value)
    return int(value) if dtype == "int32" else float(value)


def parse_calls(raw: Any, shapes: Mapping[str, Shape | None], options: TapeOptions) -> tuple[GradientCall, ...]:
    """Gradient calls [{"target", "sources"}]; every name must be an input or assigned by the program."""
    if not isinstance(raw, list | tuple):
        raise RequestError('calls must be a list like [{"target": "y", "sources": ["x"]}]', "calls")
    if len(raw) > MAX_CALLS:
        raise RequestError(f"at most {MAX_CALLS} gradient calls are allowed", "calls")
    return tuple(_call(index, item, shapes, options) for index, item in enumerate(raw))


def _call(index: int, raw: Any, shapes: Mapping[str, Shape | None], options: TapeOptions) -> GradientCall:
    where = f"calls[{index}]"
    if not isinstance(raw, Mapping):
        raise RequestError(f'{where} must be an object like {{"target": "y", "sources": ["x"]}}', where)
    _no_unknown(raw, CALL_KEYS, where)
    target = _known(raw.get("target"), shapes, f"{where}.target")
    sources = raw.get("sources")
    if not isinstance(sources, list | tuple) or not 1 <= len(sources) <= MAX_SOURCES:
        raise RequestError(f"{where}.sources must be a list of 1 to {MAX_SOURCES} names", where)
    names = tuple(_known(source, shapes, f"{where}.sources") for source in sources)
    repeated = next((name for name in names if names.count(name) > 1), None)
    if repeated is not None:
        raise RequestError(f"{where}.sources lists {repeated!r} twice", where)
    for name in names:
        _check_jacobian_size(target, name, shapes, options, where)
    return GradientCall(target, names)


def _known(name: Any, shapes: Mapping[str, Shape | None], where: str) -> str:
    if not isinstance(name, str) or name not in shapes:
        known = ", ".join(shapes) or "none"
        raise RequestError(f"{where}={name!r} is not a known name; known: {known}", where)
    return name


def _check_jacobian_size(
    target: str, source: str, shapes: Mapping[str, Shape | None], options: TapeOptions, where: str
) -> None:
    if options.mode != "jacobian" or shapes[target] is None or shapes[source] is None:
        return
    elements = size_of(shapes[target]) * size_of(shapes[source]) ** options.order
    if elements > MAX_ELEMENTS:
        raise RequestError(
            f"{where}: the jacobian of {target} with respect to {source} would have {elements:,} elements; "
            f"at most {MAX_ELEMENTS:,} are allowed",
            where,
        )
