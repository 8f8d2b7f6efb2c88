"""core.tape.playground: validate_grad_request (no TensorFlow) and run_grad_request, refusals inside the response."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from core.tape.playground import run_grad_request, validate_grad_request

TUTORIAL = {
    "inputs": {
        "t1": {"value": [1, 2, 3], "dtype": "float32", "kind": "variable", "watch": False},
        "t2": {"value": [10, 20, 30], "dtype": "float32", "kind": "variable", "watch": False},
    },
    "program": "t3 = t1 * t2\nt4 = t3 + t2",
    "calls": [{"target": "t4", "sources": ["t1", "t2", "t3"]}],
    "persistent": False,
    "watch_accessed_variables": True,
    "unconnected_gradients": "none",
    "order": 1,
    "mode": "gradient",
}


def test_the_tutorial_request_gives_the_tutorials_gradients() -> None:
    response = run_grad_request(TUTORIAL)
    assert response["error"] is None and response["values"]["t4"] == [20.0, 60.0, 120.0]
    assert response["calls"][0]["gradients"] == {"t1": [10.0, 20.0, 30.0], "t2": [2.0, 3.0, 4.0], "t3": [1.0] * 3}


def test_validation_loads_no_tensorflow() -> None:
    code = (
        "import sys\nfrom core.tape.playground import validate_grad_request\n"
        f"print(validate_grad_request({TUTORIAL!r}), 'tensorflow' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "None False"


def test_unknown_dtype_is_a_clear_request_error() -> None:
    response = run_grad_request({"inputs": {"x": {"value": [1.0], "dtype": "complex64"}}})
    assert response["error"]["type"] == "RequestError"
    assert (
        "input x: dtype 'complex64' is not allowed; allowed: float32, float64, int32" in (response["error"]["message"])
    )


def test_missing_options_take_defaults_and_a_second_call_reports_tfs_error() -> None:
    request = {key: TUTORIAL[key] for key in ("inputs", "program")}
    request["calls"] = [{"target": "t4", "sources": ["t1"]}, {"target": "t4", "sources": ["t2"]}]
    response = run_grad_request(request)
    assert response["options"] == {
        "persistent": False,
        "watch_accessed_variables": True,
        "unconnected_gradients": "none",
        "order": 1,
        "mode": "gradient",
    }
    assert response["calls"][1]["error"]["type"] == "RuntimeError"
    assert response["calls"][1]["error"]["message"].startswith("A non-persistent GradientTape")


def test_validation_without_running_gives_the_same_error() -> None:
    assert validate_grad_request(TUTORIAL) is None
    bad = {**TUTORIAL, "program": "t3 = t1[0]"}
    assert validate_grad_request(bad) == run_grad_request(bad)["error"]
    assert validate_grad_request("nope")["type"] == "RequestError"


def test_an_empty_request_runs_nothing() -> None:
    response = run_grad_request({})
    assert response["error"] is None and response["values"] == {} and response["calls"] == []


def test_none_gradients_are_null_in_json() -> None:
    request = {**TUTORIAL, "inputs": {**TUTORIAL["inputs"], "t1": {"value": [1, 2, 3], "kind": "constant"}}}
    response = json.loads(json.dumps(run_grad_request(request)))
    assert response["calls"][0]["gradients"]["t1"] is None
    assert "tf.constant" in response["calls"][0]["reasons"]["t1"]


HOSTILE = [
    "y = __import__('os').system('echo hacked')",
    "y = ().__class__.__bases__[0].__subclasses__()",
    "y = open('x')",
    "y = tf.io.write_file('a', 'b')",
    "y = 2 ** 10**9",
    "y = tf.ones([100000, 100000])",
    "y = eval('1')",
    "y = " + "(" * 2_000 + "t1" + ")" * 2_000,
    "y = t1\n" * 50_000,
]
WATCHED_EVENTS = {"exec", "os.system", "subprocess.Popen", "os.exec", "os.posix_spawn", "open", "os.remove"}
_events: list[tuple[str, Any]] = []
_recording = [False]


def _audit(
    event: str, args: Any, recording: list[bool] = _recording, events: list = _events, watched: set = WATCHED_EVENTS
) -> None:
    # Bound as defaults: at interpreter exit the module's globals are gone, but the hook still runs.
    if recording[0] and event in watched:
        events.append((event, args))


sys.addaudithook(_audit)


def test_the_audit_hook_would_see_a_file_being_opened() -> None:
    _events.clear()
    _recording[0] = True
    try:
        open(__file__, encoding="utf-8").close()
    finally:
        _recording[0] = False
    assert [event for event, _ in _events] == ["open"]


@pytest.mark.parametrize("program", HOSTILE)
def test_hostile_programs_are_refused_before_anything_runs(program: str) -> None:
    _events.clear()
    _recording[0] = True
    try:
        response = run_grad_request({**TUTORIAL, "program": program})
    finally:
        _recording[0] = False
    assert response["error"]["type"] == "ProgramError"
    assert response["values"] == {} and response["calls"] == []
    assert _events == []


def test_tfs_errors_in_a_result_carry_no_internal_op_node_text() -> None:
    request = {
        "inputs": {"t1": {"value": [[1.0, 2.0]]}, "t2": {"value": [[1.0, 2.0]]}},
        "program": "y = t1 @ t2",
        "calls": [],
    }
    error = run_grad_request(request)["error"]
    assert error["type"] == "InvalidArgumentError" and (error["line"], error["col"]) == (1, 5)
    assert error["message"].startswith("Matrix size-incompatible: In[0]: [1,2], In[1]: [1,2]")
    assert "{{function_node" not in error["message"] and "name:" not in error["message"]
    second = run_grad_request({**TUTORIAL, "calls": [TUTORIAL["calls"][0]] * 2})["calls"][1]["error"]
    assert "{{" not in second["message"] and second["type"] == "RuntimeError"
