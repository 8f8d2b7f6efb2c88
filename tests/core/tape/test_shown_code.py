"""core.tape.shown_code: the code shown for a request is built from the parsed program, never split from raw text."""

from __future__ import annotations

import ast

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.tape.nodes import ProgramError
from core.tape.playground import run_grad_request
from core.tape.request import parse_request
from core.tape.shown_code import OTHER_LINE_BREAKS, program_lines, request_code, source_line

HOSTILE = "import os; os.system('echo pwned')"
NAMES = ("y", "z", "w")


def parsed(program: str):  # noqa: ANN201 - a GradRequest
    return parse_request({"inputs": {"x": {"value": [1.0, 2.0]}}, "program": program, "calls": []})


def test_a_comment_holding_a_form_feed_and_python_stays_a_comment_in_the_shown_code() -> None:
    program = f"y = x * x  # note\x0c{HOSTILE}"
    request = parsed(program)
    assert len(request.program.statements) == 1
    code = request_code(request)
    assert not any(line.lstrip().startswith("import os") for line in code.splitlines())
    assert "os.system" not in code and "    y = x * x\n" in code
    response = run_grad_request({"inputs": {"x": {"value": [1.0, 2.0]}}, "program": program, "calls": []})
    assert response["error"] is None and "os.system" not in response["code"]
    assert response["values"]["y"] == [1.0, 4.0]


def test_every_line_break_python_ignores_is_left_out_of_the_shown_code() -> None:
    for char in OTHER_LINE_BREAKS:
        code = request_code(parsed(f"y = x  # a{char}{HOSTILE}\nz = (x +  # b{char}{HOSTILE}\n  1.0)"))
        assert HOSTILE not in code and "    y = x\n    z = x + 1.0\n" in code, repr(char)


def test_source_line_counts_lines_as_python_does_and_keeps_columns() -> None:
    source = "y = x  # a\x0cb\r\nz = x\rw = x\u2028"
    assert source_line(source, 1) == "y = x  # a\ufffdb"
    assert source_line(source, 2) == "z = x"
    assert source_line(source, 3) == "w = x\ufffd"
    assert source_line(source, 4) is None and source_line(source, 0) is None


def expressions(names: tuple[str, ...]) -> st.SearchStrategy[str]:
    leaves = st.sampled_from(names) | st.sampled_from(["1.0", "2", "-3.5", "[1.0, 2.0]"])
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda p: f"({p[0]} {p[1]} {p[2]})"),
            inner.map(lambda e: f"tf.sin({e})"),
            inner.map(lambda e: f"tf.reduce_sum({e}, keepdims=True)"),
            st.tuples(inner, inner).map(lambda p: f"tf.add(\n    {p[0]},  # spread over lines\n    {p[1]})"),
        ),
        max_leaves=4,
    )


comments = st.builds(
    lambda text, char, tail: f"  # {text}{char}{tail}",
    st.text(alphabet="abc ", max_size=5),
    st.sampled_from(sorted(OTHER_LINE_BREAKS)),
    st.sampled_from([HOSTILE, "y = 1", "x", "    z = w", ""]),
)


@st.composite
def programs(draw: st.DrawFn) -> str:
    known = ["x"]
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from(NAMES))
        value = draw(expressions(tuple(known)))
        comment = draw(st.none() | comments)
        lines.append(f"{target} = {value}{comment or ''}")
        known.append(target)
        if draw(st.booleans()):
            lines.append(draw(comments).strip())  # a line holding only a comment
    separator = draw(st.sampled_from(["\n", "\r\n", "\n\n"]))
    return separator.join(lines)


@settings(max_examples=150, deadline=None)
@given(programs())
def test_the_shown_program_parses_to_the_same_tree_and_each_line_is_a_statement(program: str) -> None:
    try:
        request = parsed(program)
    except ProgramError:
        assume(False)
        return
    accepted = ast.parse(program)
    shown = program_lines(request.program)
    assert ast.dump(ast.parse("\n".join(shown))) == ast.dump(accepted)
    assert [ast.dump(ast.parse(line).body[0]) for line in shown] == [ast.dump(node) for node in accepted.body]
    code = request_code(request)
    tape_block = next(node for node in ast.parse(code).body if isinstance(node, ast.With))
    assert [ast.dump(node) for node in tape_block.body] == [ast.dump(node) for node in accepted.body]
    statements = {ast.dump(node) for node in accepted.body}
    body_lines = [line[4:] for line in code.splitlines() if line.startswith("    ")]
    assert len(body_lines) == len(accepted.body)
    for line in body_lines:  # every displayed line of the tape block is one whole statement of the program
        assert ast.dump(ast.parse(line).body[0]) in statements
    assert not any(line.lstrip().startswith(("import os", "#")) for line in code.splitlines())
