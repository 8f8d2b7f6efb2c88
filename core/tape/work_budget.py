"""Estimated engine time of a playground request (inputs, runs, gradient calls, finite differences); no TF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.tape.functions import MAX_ELEMENTS, size_of
from core.tape.nodes import Literal, Name, Program

# Estimated microseconds on the 2-vCPU dev machine, measured on real requests under load; on the high side.
REQUEST_LIMIT_US = 1_500_000
OP_US = 250
ELEMENT_US = 0.02
INPUT_US = 300
INPUT_ELEMENT_US = 0.5
RESPONSE_ELEMENT_US = 0.3
BACKWARD_FACTOR = 2
PFOR_US = 300_000
LOOP_ELEMENT_US = 3_000
REACH_US = 20


@dataclass(frozen=True)
class WorkEstimate:
    """What running one request costs, in estimated microseconds of engine time."""

    inputs_us: float
    forward_us: float
    calls_us: float
    response_us: float

    @property
    def required_us(self) -> float:
        """Everything but the finite-difference checks, which are skipped when the budget runs out."""
        return self.inputs_us + self.forward_us + self.calls_us + self.response_us

    @property
    def checks_us(self) -> float:
        """What is left of the request's budget for finite differences."""
        return max(0.0, REQUEST_LIMIT_US - self.required_us)


def count_ops(expr: Any) -> int:
    """Operations an expression runs: every operator and call, not names or literals."""
    return sum(1 for node in _walk(expr) if not isinstance(node, Name | Literal))


def elements_touched(expr: Any) -> int:
    """Elements an expression's operations produce (unknown shapes count as the element limit)."""
    return sum(_size(node.shape) for node in _walk(expr) if not isinstance(node, Name))


def _walk(expr: Any) -> list[Any]:
    found, stack = [], [expr]
    while stack:
        node = stack.pop()
        found.append(node)
        stack += [getattr(node, name) for name in ("left", "right", "operand") if hasattr(node, name)]
        stack += [arg for _, arg in getattr(node, "args", ())]
    return found


def _size(shape: tuple[int, ...] | None) -> int:
    return MAX_ELEMENTS if shape is None else size_of(shape)


def program_us(program: Program, input_count: int, input_elements: int) -> float:
    """One forward run of the program over tensors that already exist (the inputs as ready-made arrays)."""
    ops = sum(count_ops(statement.value) for statement in program.statements)
    elements = sum(elements_touched(statement.value) for statement in program.statements)
    return OP_US * (ops + input_count + len(program.statements)) + ELEMENT_US * (elements + input_elements)


def estimate(request: Any) -> WorkEstimate:
    """The estimated cost of each part of a validated GradRequest."""
    input_elements = sum(size_of(spec.shape) for spec in request.inputs)
    inputs_us = INPUT_US * len(request.inputs) + INPUT_ELEMENT_US * input_elements
    forward_us = program_us(request.program, len(request.inputs), input_elements)
    # A tape that is not persistent raises at once on every call after the first.
    calls = request.calls if request.options.persistent else request.calls[:1]
    calls_us = sum(call_us(request, call, forward_us) for call in calls)
    # Every source of every call is then explained: a walk over the recorded graph looks for a path.
    nodes = len(request.inputs) + sum(len(_walk(statement.value)) + 1 for statement in request.program.statements)
    calls_us += REACH_US * nodes * sum(len(call.sources) for call in request.calls)
    names = {statement.target for statement in request.program.statements}
    output_elements = input_elements + sum(_size(request.program.shapes.get(name)) for name in names)
    return WorkEstimate(inputs_us, forward_us, calls_us, RESPONSE_ELEMENT_US * output_elements)


def call_us(request: Any, call: Any, forward_us: float) -> float:
    """One tape.gradient or tape.jacobian call (and its second-order pass) after the forward run."""
    options = request.options
    backward_us = BACKWARD_FACTOR * forward_us
    target = _size(request.program.shapes.get(call.target))
    sources = [_size(request.program.shapes.get(name)) for name in call.sources]
    if options.mode == "gradient":
        return backward_us * (1 + len(sources) * (options.order - 1))
    cost = PFOR_US + backward_us + ELEMENT_US * target * sum(sources)
    if options.order == 2:
        cost += len(sources) * (PFOR_US + 2 * backward_us) + ELEMENT_US * target * sum(s * s for s in sources)
    return cost


def evaluation_us(request: Any, call: Any, forward_us: float | None = None) -> float:
    """One float64 re-run for a finite-difference check of this call (with the first derivative for order 2)."""
    if forward_us is None:
        forward_us = estimate(request).forward_us
    if request.options.order == 1:
        return forward_us
    backward_us = BACKWARD_FACTOR * forward_us
    if request.options.mode == "gradient":
        return forward_us + backward_us
    target = _size(request.program.shapes.get(call.target))
    return forward_us + target * (LOOP_ELEMENT_US + backward_us)


def refusal(request: Any) -> str | None:
    """Why a request would run too long, naming the limit, or None when it fits."""
    work = estimate(request)
    if work.required_us <= REQUEST_LIMIT_US:
        return None
    parts = {
        "building the inputs": work.inputs_us,
        "running the program": work.forward_us,
        "the gradient calls": work.calls_us,
        "returning the values": work.response_us,
    }
    biggest = max(parts, key=parts.get)
    return (
        f"this request would take about {work.required_us / 1e6:.1f} s of engine time, mostly {biggest}; "
        f"at most {REQUEST_LIMIT_US / 1e6:g} s is allowed: use fewer or smaller inputs, fewer calls or sources, "
        "or gradient mode instead of jacobian"
    )
