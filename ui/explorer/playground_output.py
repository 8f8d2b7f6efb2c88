"""What a playground run produced: the code, every tensor's value, each call's gradients and checks, and the graph."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.explorer import graph_dot
from ui.explorer.tensor_text import format_value
from ui.explorer.tf_errors import tf_error_text
from ui.markdown_text import escape_markdown

LEGEND = (
    "Blue boxes are inputs the tape watched, yellow ovals are operations it recorded and green boxes are the "
    "names your program assigned. Dashed means **not recorded**: the tape never saw it, so gradients through it "
    "are None. Each node shows its forward value and the gradients asked for it."
)


def dtypes_by_name(graph: dict[str, Any]) -> dict[str, str]:
    """Each name's dtype, from the node it is bound to at the end of the program."""
    found: dict[str, str] = {}
    for node in graph.get("nodes", []):
        if node.get("name") and node.get("final") and node.get("dtype"):
            found[node["name"]] = node["dtype"]
    return found


def show(response: dict[str, Any]) -> None:
    """The whole result of one run."""
    dtypes = dtypes_by_name(response["graph"])
    code_column, values_column = st.columns([3, 2], gap="large")
    with code_column:
        st.caption("The code that ran")
        st.code(response["code"], language="python")
    with values_column:
        st.caption("Every tensor's value")
        lines = [f"{name}: {format_value(value, dtypes.get(name))}" for name, value in response["values"].items()]
        st.code("\n".join(lines) or "(no values)", language=None)
    st.markdown("#### Gradients")
    st.caption("Each gradient is checked against finite differences, (f(x + h) − f(x − h)) / 2h, element by element.")
    for index, call in enumerate(response["calls"], start=1):
        show_call(index, call, dtypes)
    if not response["calls"]:
        st.caption("No gradient calls: add one above to see gradients.")
    st.markdown("#### What the tape recorded")
    show_graph(response)


def show_call(index: int, call: dict[str, Any], dtypes: dict[str, str]) -> None:
    """One call: its gradients (or TF's exception), why any is None, and how each compares with finite differences."""
    order = " · second order" if call["order"] == 2 else ""
    sources = ", ".join(call["sources"])
    st.markdown(f"**Call {index}**{order} · `tape.{call['method']}({call['target']}, [{sources}])`")
    if call["error"]:
        st.error(f"TensorFlow raised `{tf_error_text(call['error'])}`", icon="💥")
        return
    lines = []
    for source, gradient in call["gradients"].items():
        label = graph_dot.gradient_label(call["target"], source, call["order"])
        lines.append(f"{label}: {format_value(gradient, dtypes.get(source))}")
    st.code("\n".join(lines), language=None)
    notes = [
        check_line(graph_dot.gradient_label(call["target"], source, call["order"]), call, source)
        for source in call["gradients"]
    ]
    st.markdown("\n".join(f"- {note}" for note in notes if note))


def check_line(label: str, call: dict[str, Any], source: str) -> str:
    """✓ or ✗ against finite differences, or why the gradient is None or was not checked."""
    reason = call["reasons"].get(source)
    check = call["checks"].get(source) or {}
    if call["gradients"].get(source) is None:
        return f"`{label}` is **None**: {escape_markdown(reason or 'TensorFlow returned None')}"
    if check.get("ok") is True:
        text = (
            f":green[✓] `{label}` matches finite differences (largest difference {check['max_abs_diff']:.2g}, "
            f"tolerance {check['tolerance']:.2g})"
        )
    elif check.get("ok") is False:
        text = (
            f":red[✗] `{label}` differs from finite differences by {check['max_abs_diff']:.3g} "
            f"(tolerance {check['tolerance']:.2g})"
        )
    else:
        text = f"– `{label}` was not checked: {escape_markdown(check.get('skipped') or 'no check was possible')}"
    if reason:
        text += f". {escape_markdown(reason)}"
    if check.get("note"):
        text += f" ({escape_markdown(check['note'])})"
    return text


def show_graph(response: dict[str, Any]) -> None:
    """The recorded computation as a Graphviz chart, with a legend."""
    dot = graph_dot.to_dot(response["graph"], response["calls"])
    if dot is None:
        st.caption(f"The graph has more than {graph_dot.MAX_NODES} nodes (or none), so it is not drawn.")
        return
    st.graphviz_chart(dot, width="stretch")
    st.caption(LEGEND)
