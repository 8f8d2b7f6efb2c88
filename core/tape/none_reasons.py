"""Explains from the recorded graph why the tape has no gradient for a source; pure Python, no TF."""

from __future__ import annotations

from core.tape.functions import STOPS_GRADIENT
from core.tape.recorder import GraphRecorder, Node
from core.tape.request import GradRequest


def disconnection(recorder: GraphRecorder, request: GradRequest, target: str, source: str) -> str | None:
    """Why the tape cannot connect target to source, or None when the graph shows a recorded path."""
    src_id, tgt_id = recorder.current(source), recorder.current(target)
    src, tgt = recorder.nodes[src_id], recorder.nodes[tgt_id]
    if not src.floating:
        return f"{source} has dtype {src.dtype}: gradients only flow to floating-point tensors"
    if not tgt.floating:
        return f"the target {target} has dtype {tgt.dtype}: only floating-point targets have gradients"
    if not recorder.reaches(src_id, tgt_id):
        return _not_computed(recorder, target, source)
    if not src.recorded:
        return _not_watched(recorder, request, src_id, source)
    if not recorder.reaches(src_id, tgt_id, avoid=lambda node: node.function in STOPS_GRADIENT):
        return (
            f"every path from {source} to {target} goes through tf.stop_gradient, which the tape treats as a constant"
        )
    if not recorder.reaches(src_id, tgt_id, avoid=lambda node: not node.floating):
        return (
            f"every path from {source} to {target} passes through an integer tensor (e.g. tf.cast to int32), "
            "which carries no gradient"
        )
    return None


def fallback(target: str, source: str) -> str:
    """The reason to give when TF returned None and the graph alone does not say why."""
    return f"the tape recorded no differentiable path from {source} to {target}"


def second_order(target: str, source: str) -> str:
    """Why a second derivative is None although the first one exists."""
    return (
        f"the first derivative d{target}/d{source} does not depend on {source} (it is constant), "
        "so the outer tape has nothing to differentiate"
    )


def through(recorder: GraphRecorder, target: str, source: str, functions: frozenset[str]) -> bool:
    """Whether some path from source to target passes through one of these functions."""
    src_id, tgt_id = recorder.current(source), recorder.current(target)
    stops = [node.id for node in recorder.nodes.values() if node.function in functions]
    return any(recorder.reaches(src_id, stop) and recorder.reaches(stop, tgt_id) for stop in stops)


def _not_computed(recorder: GraphRecorder, target: str, source: str) -> str:
    tgt_id = recorder.current(target)
    history = recorder.bindings[source]
    earlier = [node_id for node_id in history[:-1] if recorder.reaches(node_id, tgt_id)]
    if earlier:
        now = recorder.nodes[history[-1]]
        first = recorder.nodes[history[0]]
        replaced = " (the tf.Variable was replaced by a plain Tensor)" if first.tensor_kind == "variable" else ""
        return (
            f"{source} was reassigned on line {now.line}{replaced}; the name now refers to the new tensor, "
            f"and {target} was computed from the old one"
        )
    return f"{target} is not computed from {source}: no operation connects them"


def _not_watched(recorder: GraphRecorder, request: GradRequest, src_id: str, source: str) -> str:
    origin: Node = recorder.origin(src_id)
    if origin.kind != "input":
        return f"{source} was computed only from tensors the tape was not watching, so the tape never recorded it"
    name = origin.name or source
    kind = origin.tensor_kind
    if kind == "constant":
        return (
            f"{name} is a tf.constant and was not passed to tape.watch(); "
            "the tape only watches trainable Variables on its own"
        )
    if kind == "nontrainable_variable":
        return (
            f"{name} is a tf.Variable(trainable=False): the tape does not watch it unless you call tape.watch({name})"
        )
    if not request.options.watch_accessed_variables:
        return (
            f"watch_accessed_variables=False, so the tape did not watch the Variable {name}; "
            f"call tape.watch({name}) to record it"
        )
    return f"the tape was not watching {name}"
