"""core.tape.request: a playground request validated into frozen data, and RequestErrors that name the field."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.tape.functions import MAX_ELEMENTS
from core.tape.parser import MAX_LITERAL, ProgramError
from core.tape.request import MAX_CALLS, MAX_INPUTS, RequestError, TapeOptions, empty_response, parse_request


def tutorial_request(**changes: object) -> dict:
    request = {
        "inputs": {
            "t1": {"value": [1, 2, 3], "dtype": "float32", "kind": "variable", "watch": False},
            "t2": {"value": [10, 20, 30], "dtype": "float32", "kind": "variable", "watch": False},
        },
        "program": "t3 = t1 * t2\nt4 = t3 + t2",
        "calls": [{"target": "t4", "sources": ["t1", "t2", "t3"]}],
    }
    return {**request, **changes}


def test_a_request_validates_into_frozen_data_with_defaults() -> None:
    parsed = parse_request(tutorial_request())
    assert parsed.options == TapeOptions()
    assert [spec.name for spec in parsed.inputs] == ["t1", "t2"]
    assert parsed.inputs[0].value == (1.0, 2.0, 3.0) and parsed.inputs[0].shape == (3,)
    assert parsed.calls[0].sources == ("t1", "t2", "t3")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"inputs": {"t1": {"value": [1], "dtype": "float16"}}}, "input t1: dtype 'float16' is not allowed"),
        ({"inputs": {"t1": {"value": [1], "kind": "tensor"}}}, "input t1: kind 'tensor' is not allowed"),
        ({"inputs": {"t1": {"value": [1], "watch": "yes"}}}, "watch='yes'"),
        ({"inputs": {"__t": {"value": [1]}}}, "not allowed"),
        ({"inputs": {"tf": {"value": [1]}}}, "not allowed"),
        ({"inputs": {"1x": {"value": [1]}}}, "identifier"),
        ({"inputs": {"t1": {"value": [1, [2]]}}}, "input t1: a row mixes numbers and lists"),
        ({"inputs": {"t1": {"value": [True]}}}, "must be a number"),
        ({"inputs": {"t1": {"value": [float("nan")]}}}, "finite"),
        ({"inputs": {"t1": {"value": [1.5], "dtype": "int32"}}}, "whole numbers"),
        ({"inputs": {"t1": {"value": [0.0] * (MAX_ELEMENTS + 1)}}}, "too big"),
        ({"inputs": {"t1": {}}}, "needs a value"),
        ({"inputs": []}, "inputs must be an object"),
        ({"calls": [{"target": "t9", "sources": ["t1"]}]}, "not a known name"),
        ({"calls": [{"target": "t4", "sources": []}]}, "list of 1 to"),
        ({"calls": [{"target": "t4", "sources": ["t1", "t1"]}]}, "twice"),
        ({"calls": [{"target": "t4", "sources": ["t1"], "extra": 1}]}, "unknown key 'extra'"),
        ({"persistent": "no"}, "persistent='no'"),
        ({"unconnected_gradients": "ZERO"}, "unconnected_gradients='ZERO'"),
        ({"order": 3}, "order=3"),
        ({"order": True}, "order=True"),
        ({"mode": "hessian"}, "mode='hessian'"),
        ({"program": 5}, "program must be a string"),
        ({"surprise": 1}, "unknown key 'surprise'"),
    ],
)
def test_bad_requests_give_a_request_error_naming_the_field(change: dict, words: str) -> None:
    with pytest.raises(RequestError) as caught:
        parse_request(tutorial_request(**change))
    assert words in caught.value.message
    assert caught.value.to_dict()["type"] == "RequestError"


def test_jacobians_over_the_element_limit_are_refused_before_running() -> None:
    request = {
        "inputs": {"x": {"value": [0.0] * 200}},
        "program": "y = x * 2.0",
        "calls": [{"target": "y", "sources": ["x"]}],
        "mode": "jacobian",
    }
    with pytest.raises(RequestError, match="40,000 elements"):
        parse_request(request)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(JSON, st.dictionaries(st.sampled_from(["inputs", "program", "calls", "order", "mode", "persistent"]), JSON))
def test_arbitrary_requests_raise_only_program_errors(anything: object, partial: dict) -> None:
    for request in (anything, partial, tutorial_request(**partial)):
        try:
            parse_request(request)
        except ProgramError:
            pass


def test_values_become_nested_tuples_of_their_dtype_with_their_shape() -> None:
    parsed = parse_request(
        {"inputs": {"m": {"value": [[1, 2], [3, 4]], "dtype": "float64"}, "k": {"value": 7, "dtype": "int32"}}}
    )
    m, k = parsed.inputs
    assert m.value == ((1.0, 2.0), (3.0, 4.0)) and m.shape == (2, 2) and isinstance(m.value[0][0], float)
    assert k.value == 7 and k.shape == () and isinstance(k.value, int)
    assert parsed.input("k") is k and parsed.input("nope") is None


def test_errors_carry_the_field_and_limits_are_enforced() -> None:
    with pytest.raises(RequestError) as caught:
        parse_request(tutorial_request(inputs={"t1": {"value": [2**31], "dtype": "int32"}}))
    assert caught.value.to_dict() == {
        "type": "RequestError",
        "message": caught.value.message,
        "line": None,
        "col": None,
        "field": "inputs.t1",
    }
    many_inputs = {f"x{i}": {"value": 1.0} for i in range(MAX_INPUTS + 1)}
    with pytest.raises(RequestError, match=f"at most {MAX_INPUTS} inputs"):
        parse_request({"inputs": many_inputs})
    with pytest.raises(RequestError, match=f"at most {MAX_CALLS} gradient calls"):
        parse_request(tutorial_request(calls=[{"target": "t4", "sources": ["t1"]}] * (MAX_CALLS + 1)))
    with pytest.raises(RequestError, match="JSON object"):
        parse_request(["not", "a", "request"])


def test_a_refused_program_is_a_program_error_not_a_request_error() -> None:
    with pytest.raises(ProgramError) as caught:
        parse_request(tutorial_request(program="t3 = open('x')"))
    assert not isinstance(caught.value, RequestError) and caught.value.line == 1


def test_the_empty_response_has_every_key() -> None:
    assert empty_response() == {"values": {}, "calls": [], "graph": {"nodes": [], "edges": []}, "error": None}
    assert empty_response({"type": "RequestError"})["error"] == {"type": "RequestError"}


def only_inputs(inputs: dict) -> dict:
    return {"inputs": inputs}


def test_uneven_rows_are_named_in_the_learners_words_without_internal_field_paths() -> None:
    with pytest.raises(RequestError) as caught:
        parse_request(only_inputs({"t1": {"value": [[1, 2], [3, 4, 5]]}}))
    assert caught.value.message == ("input t1: rows have different lengths (2 and 3); a tensor needs equal-length rows")
    assert caught.value.field == "inputs.t1"
    with pytest.raises(RequestError) as deeper:
        parse_request(only_inputs({"t1": {"value": [[[1], [2]], [[3], [4, 5]]]}}))
    assert "rows at depth 3 have different lengths (1 and 2)" in deeper.value.message
    with pytest.raises(RequestError) as longer_first:
        parse_request(only_inputs({"t1": {"value": [[1, 2], [3]]}}))
    assert "different lengths (2 and 1)" in longer_first.value.message  # in the order the rows come
    for bad in ([1, "a"], [1, None]):
        with pytest.raises(RequestError) as caught:
            parse_request(only_inputs({"t1": {"value": bad}}))
        assert "inputs.t1" not in caught.value.message and caught.value.message.startswith("input t1:")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True), st.integers(-(10**40), 10**40)), min_size=1, max_size=30))
def test_the_bulk_number_check_accepts_exactly_what_the_element_check_accepts(values: list) -> None:
    finite = all(math.isfinite(v) and abs(v) <= MAX_LITERAL for v in values)
    if finite:
        assert parse_request(only_inputs({"t1": {"value": values}})).inputs[0].shape == (len(values),)
    else:
        with pytest.raises(RequestError, match="numbers must be finite and at most"):
            parse_request(only_inputs({"t1": {"value": values}}))
