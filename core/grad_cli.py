"""The GradientTape explorer's entry points: run_grad_request(dict) and ``python -m core grad`` (JSON in, JSON out)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from core.tape_parser import ProgramError
from core.tape_request import RequestError, empty_response, parse_request


def validate_grad_request(request: Any) -> dict[str, Any] | None:
    """The error run_grad_request would report before running anything, or None; needs no TensorFlow."""
    try:
        parse_request(request)
    except ProgramError as error:
        return error.to_dict()
    except RecursionError:
        return RequestError("the request is nested too deeply").to_dict()
    return None


def run_grad_request(request: dict[str, Any]) -> dict[str, Any]:
    """Validate and run one explorer request; refusals and TF errors come back inside the response."""
    try:
        parsed = parse_request(request)
    except ProgramError as error:
        return empty_response(error.to_dict())
    except RecursionError:
        return empty_response(RequestError("the request is nested too deeply").to_dict())
    from core.tape_interpreter import run_request

    return run_request(parsed)


def cmd_grad(args: argparse.Namespace) -> int:
    """Read one JSON request on stdin, print one JSON response; exit 2 only when stdin is not JSON."""
    try:
        request = json.loads(sys.stdin.buffer.read())
    except ValueError as error:
        print(f"error: stdin is not valid JSON: {error}", file=sys.stderr)
        return 2
    except RecursionError:
        print(json.dumps(empty_response(RequestError("the request is nested too deeply").to_dict())))
        return 0
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    print(json.dumps(run_grad_request(request)))
    return 0


def register(commands: Any) -> None:
    """Add the ``grad`` sub-command to the CLI's sub-parsers."""
    grad = commands.add_parser("grad", help="run one GradientTape explorer request: JSON on stdin, JSON on stdout")
    grad.set_defaults(handler=cmd_grad)
