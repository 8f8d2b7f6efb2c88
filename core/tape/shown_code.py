"""The code shown for a playground program: the standalone TF script of a request, and source lines; no TF."""

from __future__ import annotations

import re
from typing import Any

from core.tape.nodes import Program
from core.tape.request import GradientCall, GradRequest, InputSpec

OTHER_LINE_BREAKS = frozenset("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # str.splitlines() breaks here, Python does not


def request_code(request: GradRequest) -> str:
    """TF code that declares the inputs, runs the program on a tape and makes the same gradient calls."""
    options = request.options
    lines = ["import tensorflow as tf", ""]
    lines += [_declare(spec) for spec in request.inputs]
    lines.append("")
    indent = ""
    if options.order == 2:
        lines.append(f"with {_tape(True, options.watch_accessed_variables)} as outer_tape:")
        indent = "    "
        lines += [f"{indent}outer_tape.watch({spec.name})" for spec in request.inputs if spec.watch]
    lines.append(f"{indent}with {_tape(options.persistent, options.watch_accessed_variables)} as tape:")
    body = indent + "    "
    lines += [f"{body}tape.watch({spec.name})" for spec in request.inputs if spec.watch]
    lines += [f"{body}{line}" for line in program_lines(request.program)] or [f"{body}pass"]
    lines.append("")
    for index, call in enumerate(request.calls):
        lines += _call_lines(index, call, request, indent)
    return "\n".join(lines).rstrip() + "\n"


def program_lines(program: Program) -> list[str]:
    """The accepted statements as the parser read them, one per line; never a split of the raw text."""
    return [statement.text for statement in program.statements]


def source_line(source: str, number: int) -> str | None:
    """Line `number` (1-based) as Python's parser counts lines (only \\n, \\r\\n and \\r end one), or None.

    Characters str.splitlines() would also break at (form feed, U+2028, ...) are shown as U+FFFD, one for one,
    so a caret under the line still points at the right column.
    """
    lines = re.split(r"\r\n|\r|\n", source)
    if not 1 <= number <= len(lines):
        return None
    return "".join("\ufffd" if char in OTHER_LINE_BREAKS else char for char in lines[number - 1])


def _declare(spec: InputSpec) -> str:
    value = _plain(spec.value)
    dtype = f"tf.{spec.dtype}"
    if spec.kind == "constant":
        return f"{spec.name} = tf.constant({value!r}, dtype={dtype})"
    trainable = ", trainable=False" if spec.kind == "nontrainable_variable" else ""
    return f"{spec.name} = tf.Variable({value!r}, dtype={dtype}{trainable})"


def _plain(value: Any) -> Any:
    return [_plain(item) for item in value] if isinstance(value, tuple) else value


def _tape(persistent: bool, watch_accessed_variables: bool) -> str:
    arguments = []
    if persistent:
        arguments.append("persistent=True")
    if not watch_accessed_variables:
        arguments.append("watch_accessed_variables=False")
    return f"tf.GradientTape({', '.join(arguments)})"


def _call_lines(index: int, call: GradientCall, request: GradRequest, indent: str) -> list[str]:
    options = request.options
    method = "jacobian" if options.mode == "jacobian" else "gradient"
    sources = ", ".join(call.sources)
    unconnected = (
        ", unconnected_gradients=tf.UnconnectedGradients.ZERO" if options.unconnected_gradients == "zero" else ""
    )
    name = f"gradients_{index}" if len(request.calls) > 1 else "gradients"
    lines = [f"{indent}{name} = tape.{method}({call.target}, [{sources}]{unconnected})"]
    if options.order == 2:
        lines.append(
            f"second_{name} = [outer_tape.{method}(g, s{unconnected}) if g is not None else None "
            f"for g, s in zip({name}, [{sources}])]"
        )
    return lines
