"""The tutorial's four GradientTape examples as live sections: editable t1, t2, kinds and persistence, run in TF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from ui.engine_handle import engine_client
from ui.explorer.engine_wait import engine_result
from ui.explorer.tensor_text import InputTextError, format_value, parse_vector
from ui.explorer.tf_errors import tf_error_text

KIND_LABELS: dict[str, str] = {"variable": "tf.Variable", "constant": "tf.constant"}


@dataclass(frozen=True)
class ExampleInfo:
    """How the page introduces one example, its target's name and its default inputs."""

    name: str
    title: str
    intro: str
    target: str
    t1_kind: str = "variable"


EXAMPLES: tuple[ExampleInfo, ...] = (
    ExampleInfo(
        "product",
        "1 · The gradient of a product",
        "The tape records `t3 = t1 * t2`. `tape.gradient(t3, [t1, t2])` gives dt3/dt1 = t2 and dt3/dt2 = t1, "
        "element by element.",
        "t3",
    ),
    ExampleInfo(
        "constant",
        "2 · A constant gets None",
        "Here t1 is a `tf.constant`. The tape watches only trainable Variables on its own, so it did not record "
        "anything about t1 and its gradient is `None`. Switch t1 to `tf.Variable` to get the gradient back.",
        "t3",
        t1_kind="constant",
    ),
    ExampleInfo(
        "chain",
        "3 · The chain rule through an intermediate result",
        "`t3 = t1 * t2`, then `t4 = t3 + t2`. The gradient flows back through t3. Because t2 reaches t4 by two "
        "paths, the tape adds them: dt4/dt2 = t1 + 1. You can also ask for the gradient with respect to t3 itself.",
        "t4",
    ),
    ExampleInfo(
        "second_call",
        "4 · A second gradient call on a non-persistent tape",
        "A tape frees what it recorded after the first `tape.gradient` call, so asking again raises TensorFlow's "
        "`RuntimeError`. Turn on **persistent** to make the second call work.",
        "t3",
    ),
)
DEFAULT_T1, DEFAULT_T2 = "1, 2, 3", "10, 20, 30"
PERSISTENT_HELP = "tf.GradientTape(persistent=True) keeps its record after a gradient call"


def show_all() -> None:
    """Every example, one after the other."""
    st.markdown(
        "The tutorial's examples, running in TensorFlow. Edit t1 and t2 (numbers separated by commas), choose "
        "whether each one is a `tf.Variable` or a `tf.constant`, and the code and its output update."
    )
    for info in EXAMPLES:
        with st.container(border=True):
            example(info)


@st.fragment
def example(info: ExampleInfo) -> None:
    """One example: its inputs on the left; the code that ran and what it printed on the right."""
    st.subheader(info.title, anchor=False)
    st.markdown(info.intro)
    controls, output = st.columns([2, 3], gap="large")
    with controls:
        inputs, problems = read_inputs(info)
    with output:
        for problem in problems:
            st.error(problem, icon="✏️")
        if problems:
            st.caption("Nothing ran: fix the input above.")
            return
        payload = {"name": info.name, "inputs": inputs}
        result = engine_result("example", payload, lambda: engine_client().example(info.name, inputs))
        if result is not None:
            show_result(info, result)


def read_inputs(info: ExampleInfo) -> tuple[dict[str, Any], list[str]]:
    """The widgets for t1, t2, their kinds and persistent; returns the example's inputs and any problems."""
    key = f"example_{info.name}"
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, default_text, default_kind in (("t1", DEFAULT_T1, info.t1_kind), ("t2", DEFAULT_T2, "variable")):
        text_column, kind_column = st.columns([3, 2])
        text = text_column.text_input(name, default_text, key=f"{key}_{name}", help="numbers separated by commas")
        kinds = list(KIND_LABELS)
        kind = kind_column.radio(
            f"{name} is a",
            kinds,
            index=kinds.index(default_kind),
            format_func=KIND_LABELS.get,
            key=f"{key}_{name}_kind",
            horizontal=True,
        )
        values[f"{name}_kind"] = kind
        try:
            values[name] = parse_vector(name, text)
        except InputTextError as error:
            problems.append(str(error))
    values["persistent"] = st.toggle("persistent tape", False, key=f"{key}_persistent", help=PERSISTENT_HELP)
    return values, problems


def printed_lines(info: ExampleInfo, result: dict[str, Any]) -> list[str]:
    """What the example printed: every tensor's value, then each gradient as d<target>/d<source>."""
    lines = [f"{name}: {format_value(value)}" for name, value in result["values"].items()]
    if result["gradients"]:
        lines.append("")
        lines += [f"d{info.target}/d{name}: {format_value(value)}" for name, value in result["gradients"].items()]
    if result.get("second_gradients"):
        lines.append("")
        lines += [
            f"second call d{info.target}/d{name}: {format_value(value)}"
            for name, value in result["second_gradients"].items()
        ]
    return lines


def show_result(info: ExampleInfo, result: dict[str, Any]) -> None:
    """The code that ran, what it printed, why any gradient is None, and TensorFlow's exception if one was raised."""
    st.caption("The code that ran")
    st.code(result["code"], language="python", wrap_lines=True)
    lines = printed_lines(info, result)
    if lines:
        st.caption("What it printed")
        st.code("\n".join(lines), language=None)
    for name, reason in result["none_reasons"].items():
        st.info(f"**d{info.target}/d{name} is None** because {reason}.", icon="ℹ️")
    error = result.get("error")
    if error:
        st.error(f"TensorFlow raised `{tf_error_text(error)}`", icon="💥")
    elif result.get("second_gradients"):
        st.success("The persistent tape answered the second call too.", icon="✅")
