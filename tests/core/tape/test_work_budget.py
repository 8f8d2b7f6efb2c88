"""core.tape.work_budget: a request's estimated engine time covers all it does; accepted requests finish in ~5 s."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.tape.nodes import ProgramError
from core.tape.playground import run_grad_request, validate_grad_request
from core.tape.request import RequestError, parse_request
from core.tape.work_budget import REQUEST_LIMIT_US, estimate, refusal

SECONDS_ALLOWED = 5.0


def chain_request(inputs: int, size: int, calls: int = 1, **options: object) -> dict:
    """y = t0 * t1 * ... built one statement at a time, then summed; each call asks for every input."""
    program = "\n".join(["y = t0"] + [f"y = y * t{i}" for i in range(1, inputs)] + ["y = tf.reduce_sum(y)"])
    sources = [f"t{i}" for i in range(inputs)]
    return {
        "inputs": {f"t{i}": {"value": [0.5 + (j % 7) / 7 for j in range(size)]} for i in range(inputs)},
        "program": program,
        "calls": [{"target": "y", "sources": sources}] * calls,
        **options,
    }


def test_thirty_one_big_inputs_asked_for_by_twenty_calls_are_refused_naming_the_limit() -> None:
    request = chain_request(31, 10_000, calls=20, persistent=True)
    error = validate_grad_request(request)
    assert error is not None and error["type"] == "RequestError" and error["field"] == "request"
    assert f"at most {REQUEST_LIMIT_US / 1e6:g} s is allowed" in error["message"]
    assert "the gradient calls" in error["message"]
    started = time.perf_counter()
    response = run_grad_request(request)
    assert time.perf_counter() - started < 1.0 and response["error"] == error and response["calls"] == []


def test_the_estimate_counts_inputs_program_calls_and_response() -> None:
    small = estimate(parse_request(chain_request(2, 3)))
    big = estimate(parse_request(chain_request(2, 10_000)))
    assert big.inputs_us > small.inputs_us and big.forward_us > small.forward_us
    assert big.response_us > small.response_us and big.calls_us > small.calls_us
    many = estimate(parse_request(chain_request(2, 3, calls=10, persistent=True)))
    assert many.calls_us > 5 * small.calls_us
    once = estimate(parse_request(chain_request(2, 3, calls=10)))  # not persistent: calls 2-10 raise at once
    assert once.calls_us < many.calls_us
    jacobian = estimate(parse_request(chain_request(1, 20, mode="jacobian", order=2)))
    assert jacobian.calls_us > 10 * small.calls_us
    assert small.checks_us == pytest.approx(REQUEST_LIMIT_US - small.required_us)


def test_a_request_within_the_limit_has_no_refusal() -> None:
    assert refusal(parse_request(chain_request(2, 3))) is None


requests = st.builds(
    chain_request,
    inputs=st.integers(1, 31),
    size=st.sampled_from([1, 3, 30, 300, 3_000, 10_000]),
    calls=st.integers(1, 20),
    persistent=st.booleans(),
    mode=st.sampled_from(["gradient", "jacobian"]),
    order=st.sampled_from([1, 2]),
)


@pytest.fixture(scope="module")
def warm_tensorflow() -> None:
    """Import TensorFlow and run one request first: the engine process has done both before any request."""
    assert run_grad_request(chain_request(2, 3))["error"] is None


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(requests)
@pytest.mark.usefixtures("warm_tensorflow")
def test_every_accepted_request_finishes_within_about_five_seconds(request: dict) -> None:
    try:
        parse_request(request)
    except (RequestError, ProgramError):
        return  # refused up front, in well under a second
    started = time.perf_counter()
    response = run_grad_request(request)
    elapsed = time.perf_counter() - started
    shown = {key: value for key, value in request.items() if key != "inputs"}
    shown["input_sizes"] = [len(spec["value"]) for spec in request["inputs"].values()]
    assert elapsed < SECONDS_ALLOWED, (elapsed, shown)
    assert response["error"] is None or response["error"]["type"] != "RequestError"
