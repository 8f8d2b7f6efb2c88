"""The expression playground: inputs, a program checked without TF, gradient calls and options, then the TF run."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.tape.functions import allowed_names
from core.tape.parser import MAX_PROGRAM_CHARS, ProgramError, parse_program
from core.tape.playground import validate_grad_request
from core.tape.request import RequestError, parse_inputs
from core.tape.shown_code import source_line
from ui.engine_handle import engine_client
from ui.explorer import gradient_calls, input_rows, playground_output
from ui.explorer.engine_wait import engine_result
from ui.markdown_text import escape_markdown

PROGRAM_KEY = "playground_program"
LAST_NAMES_KEY = "pg_last_names"
DEFAULT_PROGRAM = "t3 = t1 * t2\nt4 = t3 + t2"
REFUSALS = frozenset({"ProgramError", "RequestError"})
INTRO = (
    "Declare some tensors, write assignments that use them, and choose which gradients to ask for. The program is "
    "checked first, without TensorFlow: only arithmetic (`+ - * / ** @`), numbers, lists and whitelisted `tf.` "
    "functions are accepted, so nothing else can run. Then it runs on one `tf.GradientTape` in the engine."
)


@st.fragment
def show() -> None:
    """The whole playground, rerun on its own when one of its widgets changes."""
    st.markdown(INTRO)
    st.markdown("#### 1 · Input tensors")
    inputs, declared, problems = input_rows.declare()
    shapes, input_error = _input_shapes(inputs, declared)
    for problem in problems + ([input_error["message"]] if input_error else []):
        st.error(escape_markdown(problem), icon="✏️")
    st.markdown("#### 2 · Program")
    source, names, last_assigned, refusal = _program(shapes)
    st.markdown("#### 3 · Gradient calls and tape options")
    calls, call_problems = gradient_calls.choose_calls(names, last_assigned)
    options = gradient_calls.choose_options()
    refresh = st.button("Run program", type="primary", key="pg_run", icon="▶️")
    st.divider()
    for problem in call_problems:
        st.error(escape_markdown(problem), icon="✏️")
    if problems or input_error or refusal or call_problems:
        st.caption("Nothing ran: fix what is marked above.")
        return
    request = {"inputs": inputs, "program": source, "calls": calls, **options}
    error = validate_grad_request(request)
    if error is not None:
        show_refusal(error, source)
        return
    response = engine_result("grad", request, lambda: engine_client().task("grad", request), refresh=refresh)
    if response is None:
        return
    if response["error"]:
        show_refusal(response["error"], source)
        return
    playground_output.show(response)


def _input_shapes(
    inputs: dict[str, dict[str, Any]], declared: list[str]
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Each declared input's static shape (None where unknown because a declaration is bad, with the error)."""
    unknown = {name: None for name in declared}
    try:
        return {**unknown, **{spec.name: spec.shape for spec in parse_inputs(inputs)}}, None
    except RequestError as error:
        return unknown, error.to_dict()


def _program(shapes: dict[str, Any]) -> tuple[str, list[str], str, dict[str, Any] | None]:
    """The program text area and its TF-free check; returns the text, the names it knows, its last target, refusal."""
    st.session_state.setdefault(PROGRAM_KEY, DEFAULT_PROGRAM)
    source = st.text_area(
        "Assignments, one per line",
        key=PROGRAM_KEY,
        height=130,
        max_chars=MAX_PROGRAM_CHARS,
        help="for example y = tf.reduce_sum(tf.sin(x) * w); press Ctrl+Enter to apply",
    )
    with st.expander("What can I write?"):
        st.markdown(
            "One assignment per line, `name = expression`. Expressions use the inputs and earlier names, numbers, "
            "lists like `[1.0, 2.0]`, the operators `+ - * / ** @` and these functions:"
        )
        st.code(allowed_names(), language=None, wrap_lines=True)
    try:
        program = parse_program(source, shapes)
    except ProgramError as error:
        show_refusal(error.to_dict(), source)
        names = list(dict.fromkeys([*shapes, *st.session_state.get(LAST_NAMES_KEY, [])]))
        return source, names, names[-1] if names else "", error.to_dict()
    names = list(program.shapes)
    st.session_state[LAST_NAMES_KEY] = names
    last = program.statements[-1].target if program.statements else (names[-1] if names else "")
    return source, names, last, None


def show_refusal(error: dict[str, Any], source: str) -> None:
    """A refused program or request, or TF's exception while running it: where, why, and the line it points at."""
    line, col = error.get("line"), error.get("col")
    where = f" at line {line}, column {col}" if line is not None else ""
    message = escape_markdown(error["message"])
    if error["type"] in REFUSALS:
        st.error(f"**Refused{where}:** {message}. Nothing ran.", icon="🛑")
    else:
        st.error(f"**TensorFlow raised `{error['type']}`{where}:** {message}", icon="💥")
    shown = source_line(source, line) if line is not None else None
    if shown is not None:
        st.code(f"{shown}\n{' ' * max((col or 1) - 1, 0)}^", language=None)
