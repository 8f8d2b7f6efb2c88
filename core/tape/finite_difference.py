"""Central finite-difference checks of the tape's gradients, re-running the program in float64."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import tensorflow as tf

from core.tape.evaluator import Evaluator, ForwardError, Override, final_statement
from core.tape.nodes import Program
from core.tape.request import GradientCall, GradRequest
from core.tape.work_budget import estimate, evaluation_us

RELATIVE_STEP = 1e-6
RTOL = 1e-3
ATOL = 1e-4
DIRECTIONS = 3
CHECK_SECONDS = 2.0
OUT_OF_TIME = f"the finite-difference checks of this request ran out of their {CHECK_SECONDS:g} s"


class UncheckableError(Exception):
    """The check cannot be done; the message says why."""


@dataclass
class Budget:
    """How much estimated engine time (microseconds) the finite differences of one request may still spend."""

    remaining: float
    forward_us: float | None = None
    deadline: float = math.inf
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def for_request(cls, request: GradRequest) -> Budget:
        """What the request's estimate leaves after its inputs, program run, calls and response, and a deadline.

        The deadline only matters on a machine much slower or busier than the estimate assumes.
        """
        work = estimate(request)
        return cls(work.checks_us, work.forward_us, time.monotonic() + CHECK_SECONDS)

    def out_of_time(self) -> bool:
        """Whether the wall-clock allowance for checks has run out."""
        return time.monotonic() > self.deadline

    def spend(self, cost: float) -> bool:
        """Take cost from the budget if it fits."""
        if cost > self.remaining:
            return False
        self.remaining -= cost
        return True

    def input_arrays(self, request: GradRequest) -> dict[str, np.ndarray]:
        """The inputs as arrays (int32 stays int32, floats become float64), converted once per request."""
        if not self.arrays:
            self.arrays.update({spec.name: _array(spec.value, spec.dtype) for spec in request.inputs})
        return self.arrays


def skipped(reason: str) -> dict[str, Any]:
    """A check that was not done."""
    return {"ok": None, "max_abs_diff": None, "tolerance": None, "method": None, "skipped": reason, "note": None}


def check(
    request: GradRequest, call: GradientCall, source: str, computed: np.ndarray, budget: Budget
) -> dict[str, Any]:
    """Compare the tape's result for one source with central differences of the same quantity in float64."""
    spec = request.input(source)
    if spec is not None and spec.dtype == "int32" and final_statement(request.program, source) is None:
        return skipped(f"{source} is int32: finite differences need a floating-point source")
    if not np.all(np.isfinite(computed)):
        return skipped("the tape's result is not finite")
    if budget.out_of_time():
        return skipped(OUT_OF_TIME)
    quantity = _Quantity(request, call, source, budget)
    try:
        base = quantity.base_value()
        cost = quantity.cost
        if budget.spend(2 * base.size * cost):
            method = "elementwise"
            estimate, expected = _elementwise(quantity, base, computed.shape), computed
        elif budget.spend(2 * DIRECTIONS * cost):
            method = "directional"
            estimate, expected = _directional(quantity, base, computed)
        else:
            return skipped("the finite-difference budget for this request is used up")
    except UncheckableError as reason:
        return skipped(str(reason))
    except ForwardError as error:
        return skipped(f"re-running the program in float64 failed: {error.to_dict()['message']}")
    except Exception as error:  # any TF failure of the re-run skips the check, never raises out
        return skipped(f"re-running the program in float64 failed: {type(error).__name__}: {error}")
    if not np.all(np.isfinite(estimate)):
        return skipped("the finite differences are not finite")
    difference = float(np.max(np.abs(estimate - expected), initial=0.0))
    tolerance = ATOL + RTOL * float(np.max(np.abs(estimate), initial=0.0))
    ok = bool(difference <= tolerance)
    return {
        "ok": ok,
        "max_abs_diff": difference,
        "tolerance": tolerance,
        "method": method,
        "skipped": None,
        "note": None,
    }


class _Quantity:
    """What the tape differentiated, as a float64 function of one source: sum(target), the target, or a derivative."""

    def __init__(self, request: GradRequest, call: GradientCall, source: str, budget: Budget) -> None:
        self.request = request
        self.call = call
        self.source = source
        self.statement = final_statement(request.program, source)
        self.cost = evaluation_us(request, call, budget.forward_us)
        self.arrays = budget.input_arrays(request)
        self.budget = budget

    def base_value(self) -> np.ndarray:
        """The source's value at the point where the tape differentiated, in float64."""
        if self.statement is None:
            return self.arrays[self.source].astype(np.float64)
        env = self._inputs(None)
        Evaluator(float64=True).run(self._prefix(), env)
        value = env[self.source]
        if not value.dtype.is_floating:
            raise UncheckableError(
                f"{self.source} is {value.dtype.name}: finite differences need a floating-point source"
            )
        return np.asarray(value.numpy(), dtype=np.float64)

    def _prefix(self) -> Program:
        program = self.request.program
        return replace(program, statements=program.statements[: self.statement + 1])

    def _inputs(self, override: Override | None) -> dict[str, Any]:
        env: dict[str, Any] = {name: tf.constant(array) for name, array in self.arrays.items()}
        if override is not None and override.statement is None:
            env[self.source] = override.make()
        return env

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.budget.out_of_time():  # checked on every re-run, so one long check cannot overrun the deadline
            raise UncheckableError(OUT_OF_TIME)
        options = self.request.options
        with tf.GradientTape(persistent=True) as tape:
            override = Override(self.source, self.statement, x, tape if options.order == 2 else None)
            env = self._inputs(override)
            Evaluator(float64=True, override=override).run(self.request.program, env)
        out = env[self.call.target]
        if not out.dtype.is_floating:
            raise UncheckableError(f"the target {self.call.target} is {out.dtype.name}")
        if options.order == 2:
            if options.mode == "jacobian":  # a plain loop: pfor would trace a new tf.function on every re-run
                out = tape.jacobian(out, override.tensor, experimental_use_pfor=False)
            else:
                out = tape.gradient(out, override.tensor)
            if out is None:
                raise UncheckableError("the first derivative is None when recomputed in float64")
        values = np.asarray(out.numpy(), dtype=np.float64)
        return values.ravel() if options.mode == "jacobian" else np.array([values.sum()])


def _array(value: Any, dtype: str) -> np.ndarray:
    return np.asarray(value, dtype=np.int32 if dtype == "int32" else np.float64)


def _step(x: np.ndarray) -> np.ndarray:
    return RELATIVE_STEP * np.maximum(1.0, np.abs(x))


def _elementwise(quantity: _Quantity, base: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    flat = base.ravel()
    steps = _step(flat)
    columns = []
    for j in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[j] += steps[j]
        down[j] -= steps[j]
        columns.append((quantity(up.reshape(base.shape)) - quantity(down.reshape(base.shape))) / (2 * steps[j]))
    matrix = np.stack(columns, axis=1) if columns else np.zeros((1, 0))
    return matrix.reshape(shape)


def _directional(quantity: _Quantity, base: np.ndarray, computed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    as_matrix = computed.reshape(-1, base.size)
    step = RELATIVE_STEP * max(1.0, float(np.max(np.abs(base), initial=0.0)))
    estimates, expected = [], []
    for _ in range(DIRECTIONS):
        direction = rng.standard_normal(base.shape)
        direction /= max(np.linalg.norm(direction), 1e-12)
        estimates.append((quantity(base + step * direction) - quantity(base - step * direction)) / (2 * step))
        expected.append(as_matrix @ direction.ravel())
    return np.concatenate(estimates), np.concatenate(expected)
