"""Runs a validated explorer request with real TensorFlow on one GradientTape and reports values, gradients and why."""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import tensorflow as tf

from core.tape import none_reasons
from core.tape.evaluator import Evaluator, ForwardError, make_input, plain
from core.tape.finite_difference import Budget, check, skipped
from core.tape.functions import KINKED, STOPS_GRADIENT
from core.tape.recorder import FLOAT_DTYPES, GraphRecorder
from core.tape.request import GradientCall, GradRequest, InputSpec, TapeOptions, empty_response
from core.tape.shown_code import request_code
from core.tape.tf_messages import clean_tf_message


def error_dict(error: BaseException) -> dict[str, str]:
    """TF's own exception class name and message, without TF's internal op-node label."""
    return {"type": type(error).__name__, "message": clean_tf_message(str(error))}


def run_request(request: GradRequest) -> dict[str, Any]:
    """Run the program on one tape, then the gradient calls in order; TF errors are reported, never raised."""
    response = empty_response()
    response["code"] = request_code(request)
    response["options"] = dict(vars(request.options))
    try:
        tensors = {spec.name: make_input(spec) for spec in request.inputs}
    except Exception as error:  # a value TF cannot hold: report it
        response["error"] = error_dict(error)
        return response
    recorder = GraphRecorder()
    for spec in request.inputs:
        recorder.add_input(spec.name, spec.kind, spec.dtype, tensors[spec.name].numpy(), _watched(request, spec))
    env = dict(tensors)
    calls, forward_error = _run_tapes(request, env, recorder)
    response["values"] = {name: plain(value) for name, value in env.items()}
    response["error"] = forward_error
    budget = Budget.for_request(request)
    response["calls"] = [
        _explain(request, call, result, recorder, budget) for call, result in zip(request.calls, calls)
    ]
    _annotate(recorder, request, response["calls"])
    response["graph"] = recorder.to_dict()
    return response


def _watched(request: GradRequest, spec: InputSpec) -> bool:
    """Whether the tape will watch this input: explicitly, or as an accessed trainable Variable."""
    automatic = spec.kind == "variable" and request.options.watch_accessed_variables
    return spec.dtype in FLOAT_DTYPES and (spec.watch or automatic)


def _run_tapes(
    request: GradRequest, env: dict[str, Any], recorder: GraphRecorder
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    options = request.options
    watch = [env[spec.name] for spec in request.inputs if spec.watch]
    outer_tape = tf.GradientTape(persistent=True, watch_accessed_variables=options.watch_accessed_variables)
    with outer_tape if options.order == 2 else contextlib.nullcontext() as outer:
        for tensor in watch if outer is not None else []:
            outer.watch(tensor)
        with tf.GradientTape(
            persistent=options.persistent, watch_accessed_variables=options.watch_accessed_variables
        ) as tape:
            for tensor in watch:
                tape.watch(tensor)
            try:
                Evaluator(recorder).run(request.program, env)
            except ForwardError as error:
                return [], error.to_dict()
        results = [_first(tape, call, env, options) for call in request.calls]
    if outer is not None:
        results = [_second(outer, call, env, options, result) for call, result in zip(request.calls, results)]
    return results, None


def _unconnected(options: TapeOptions) -> tf.UnconnectedGradients:
    return tf.UnconnectedGradients.ZERO if options.unconnected_gradients == "zero" else tf.UnconnectedGradients.NONE


def _first(tape: tf.GradientTape, call: GradientCall, env: dict[str, Any], options: TapeOptions) -> dict[str, Any]:
    method = tape.jacobian if options.mode == "jacobian" else tape.gradient
    sources = [env[name] for name in call.sources]
    try:
        gradients = method(env[call.target], sources, unconnected_gradients=_unconnected(options))
    except Exception as error:  # TF's RuntimeError, ValueError, LookupError...: reported in the call
        return {"gradients": None, "error": error_dict(error)}
    return {"gradients": list(gradients), "error": None}


def _second(
    outer: tf.GradientTape, call: GradientCall, env: dict[str, Any], options: TapeOptions, first: dict[str, Any]
) -> dict[str, Any]:
    if first["error"] is not None:
        return {**first, "first": None}
    method = outer.jacobian if options.mode == "jacobian" else outer.gradient
    seconds = []
    try:
        for gradient, name in zip(first["gradients"], call.sources):
            second = (
                None if gradient is None else method(gradient, env[name], unconnected_gradients=_unconnected(options))
            )
            seconds.append(second)
    except Exception as error:  # reported in the call
        return {"gradients": None, "error": error_dict(error), "first": first["gradients"]}
    return {"gradients": seconds, "error": None, "first": first["gradients"]}


def _explain(
    request: GradRequest, call: GradientCall, result: dict[str, Any], recorder: GraphRecorder, budget: Budget
) -> dict[str, Any]:
    """One call's response entry: gradients (None as null), the error, reasons for None, finite-difference checks."""
    options = request.options
    entry: dict[str, Any] = {
        "target": call.target,
        "sources": list(call.sources),
        "method": options.mode,
        "order": options.order,
        "gradients": {},
        "error": result["error"],
        "reasons": {},
        "checks": {},
    }
    if options.order == 2:
        first = result.get("first")
        entry["first_gradients"] = None if first is None else dict(zip(call.sources, map(_maybe_plain, first)))
    if result["error"] is not None:
        return entry
    for index, name in enumerate(call.sources):
        gradient = result["gradients"][index]
        entry["gradients"][name] = _maybe_plain(gradient)
        reason = _reason(request, call, name, result, index, recorder)
        if reason is not None:
            entry["reasons"][name] = reason
            entry["checks"][name] = skipped(reason)
        elif gradient is not None:
            entry["checks"][name] = _check(request, call, name, gradient, recorder, budget)
    return entry


def _maybe_plain(value: Any) -> Any:
    return None if value is None else plain(value)


def _reason(
    request: GradRequest, call: GradientCall, source: str, result: dict[str, Any], index: int, recorder: GraphRecorder
) -> str | None:
    """Why this gradient is None (or zeros filled in for an unconnected source); None when it is a real gradient."""
    gradient = result["gradients"][index]
    disconnected = none_reasons.disconnection(recorder, request, call.target, source)
    if disconnected is not None:
        if gradient is None:
            return disconnected
        return f"unconnected_gradients='zero' filled in zeros: {disconnected}" if _all_zero(gradient) else None
    if gradient is not None:
        return None
    first = result.get("first")
    if first is not None and first[index] is not None:
        return none_reasons.second_order(call.target, source)
    return none_reasons.fallback(call.target, source)


def _all_zero(value: Any) -> bool:
    return not np.any(np.asarray(value.numpy()))


def _check(
    request: GradRequest, call: GradientCall, source: str, gradient: Any, recorder: GraphRecorder, budget: Budget
) -> dict[str, Any]:
    result = check(request, call, source, np.asarray(gradient.numpy(), dtype=np.float64), budget)
    if none_reasons.through(recorder, call.target, source, STOPS_GRADIENT):
        result["note"] = (
            "a path goes through tf.stop_gradient: the tape treats it as a constant, "
            "but finite differences see the real change"
        )
    elif result["ok"] is False and none_reasons.through(recorder, call.target, source, KINKED):
        result["note"] = (
            "a path goes through relu, abs, maximum/minimum or reduce_max/min: at a kink the derivative "
            "is not defined and finite differences average both sides"
        )
    return result


def _annotate(recorder: GraphRecorder, request: GradRequest, calls: list[dict[str, Any]]) -> None:
    """Mark call targets on the graph and attach each gradient to the node its source names."""
    for index, (call, entry) in enumerate(zip(request.calls, calls)):
        recorder.nodes[recorder.current(call.target)].target_of.append(index)
        for name, gradient in entry["gradients"].items():
            node = recorder.nodes[recorder.current(name)]
            node.gradients.append({"call": index, "target": call.target, "value": gradient})
