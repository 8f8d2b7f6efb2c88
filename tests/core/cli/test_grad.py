"""``python -m core grad``: one JSON request on stdin, one JSON response on stdout, exit 0 or 2."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys

import pytest

from core.cli.grad import cmd_grad, register
from core.cli.main import build_parser, main

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
KEYS = {"values", "calls", "graph", "error"}


def grad_cli(stdin: bytes) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core", "grad"], input=stdin, capture_output=True, timeout=120, check=False
    )


def test_the_cli_answers_the_tutorial_request_with_exact_keys() -> None:
    done = grad_cli(json.dumps(TUTORIAL).encode())
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode().strip().splitlines()
    assert len(lines) == 1
    response = json.loads(lines[0])
    assert KEYS <= set(response) and response["error"] is None
    assert set(response["graph"]) == {"nodes", "edges"}
    (call,) = response["calls"]
    assert call["gradients"] == {"t1": [10.0, 20.0, 30.0], "t2": [2.0, 3.0, 4.0], "t3": [1.0, 1.0, 1.0]}
    assert call["error"] is None
    assert response["values"]["t4"] == [20.0, 60.0, 120.0]


def test_the_cli_exits_2_only_for_stdin_that_is_not_json_and_0_for_refusals() -> None:
    bad = grad_cli(b"{not json")
    assert bad.returncode == 2 and bad.stdout == b""
    assert bad.stderr.decode().strip().startswith("error: stdin is not valid JSON")
    assert "Traceback" not in bad.stderr.decode() and len(bad.stderr.decode().strip().splitlines()) == 1
    refused = grad_cli(json.dumps({**TUTORIAL, "program": "t3 = open('x')"}).encode())
    assert refused.returncode == 0
    response = json.loads(refused.stdout)
    assert response == {
        "values": {},
        "calls": [],
        "graph": {"nodes": [], "edges": []},
        "error": {"type": "ProgramError", "message": response["error"]["message"], "line": 1, "col": 6},
    }


def run_main(stdin: bytes, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(["grad"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("stdin", "code", "error_type"),
    [
        (b"", 2, None),
        (b"\xff\xfe\xfa", 2, None),
        (b"[" * 100_000 + b"]" * 100_000, 0, "RequestError"),
        (b"[]", 0, "RequestError"),
        (json.dumps({**TUTORIAL, "order": 5}).encode(), 0, "RequestError"),
        (json.dumps({"inputs": {"x": {"value": [1], "dtype": "float16"}}}).encode(), 0, "RequestError"),
        (json.dumps({**TUTORIAL, "program": "t3 = 2 ** 10**9"}).encode(), 0, "ProgramError"),
    ],
)
def test_exit_codes_in_process(
    stdin: bytes, code: int, error_type: str | None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    exit_code, out, err = run_main(stdin, monkeypatch, capsys)
    assert exit_code == code
    if code == 2:
        assert out == "" and err.startswith("error: stdin is not valid JSON")
    else:
        response = json.loads(out)
        assert set(response) == KEYS and response["error"]["type"] == error_type
        assert response["values"] == {} and response["calls"] == []


def test_register_adds_the_grad_subcommand() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    register(commands)
    assert parser.parse_args(["grad"]).handler is cmd_grad
    assert build_parser().parse_args(["grad"]).handler is cmd_grad
