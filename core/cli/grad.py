"""The ``python -m core grad`` command: one playground request as JSON on stdin, one JSON response on stdout."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from core.tape.playground import run_grad_request
from core.tape.request import RequestError, empty_response


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
