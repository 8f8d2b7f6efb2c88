"""The playground's request API: validate_grad_request (no TensorFlow) and run_grad_request (runs the tape)."""

from __future__ import annotations

from typing import Any

from core.tape.nodes import ProgramError
from core.tape.request import RequestError, empty_response, parse_request


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
    from core.tape.interpreter import run_request

    return run_request(parsed)
