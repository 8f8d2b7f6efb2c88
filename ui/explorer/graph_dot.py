"""DOT text for the computation the tape recorded: inputs, ops and outputs with forward values and gradients."""

from __future__ import annotations

from typing import Any

from ui.explorer.tensor_text import format_value

MAX_NODES = 150
MAX_NODES_ACROSS = 6
MAX_VALUE_CHARS = 48
STYLES: dict[tuple[str, bool], str] = {
    ("input", True): 'shape=box, style="rounded,filled", fillcolor="#dbeafe", color="#1d4ed8"',
    ("input", False): 'shape=box, style="rounded,filled,dashed", fillcolor="#f3f4f6", color="#6b7280"',
    ("literal", False): 'shape=box, style="filled", fillcolor="#f9fafb", color="#9ca3af", fontcolor="#4b5563"',
    ("op", True): 'shape=ellipse, style="filled", fillcolor="#fef3c7", color="#b45309"',
    ("op", False): 'shape=ellipse, style="filled,dashed", fillcolor="#ffffff", color="#9ca3af"',
    ("output", True): 'shape=box, style="rounded,filled", fillcolor="#dcfce7", color="#15803d"',
    ("output", False): 'shape=box, style="rounded,filled,dashed", fillcolor="#f3f4f6", color="#6b7280"',
}


def dot_string(text: str) -> str:
    """text as a quoted DOT string: backslashes and quotes escaped, newlines as DOT line breaks, no control chars."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r\n", "\n").replace("\n", "\\n")
    return '"' + "".join(char for char in escaped if char >= " ") + '"'


def short_value(value: Any, dtype: str | None) -> str:
    """A value on one line, cut to MAX_VALUE_CHARS characters."""
    text = " ".join(format_value(value, dtype).split())
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def gradient_label(target: str, source: str, order: int = 1) -> str:
    """dt4/dt1, or d²t4/dt1² for a second-order call."""
    return f"d{target}/d{source}" if order == 1 else f"d²{target}/d{source}²"


def node_label(node: dict[str, Any], calls: list[dict[str, Any]]) -> str:
    """Name or op, forward value (unless too big), and every gradient asked for it."""
    lines = [node["label"]]
    if node["kind"] in ("input", "output") and node["dtype"]:
        lines.append(f"{node['dtype']} {node['shape']}")
    lines.append("= " + ("(too big to show)" if node.get("truncated") else short_value(node["value"], node["dtype"])))
    for gradient in node["gradients"]:
        call = calls[gradient["call"]] if gradient["call"] < len(calls) else {}
        name = gradient_label(gradient["target"], node.get("name") or node["id"], call.get("order", 1))
        prefix = f"call {gradient['call'] + 1}: " if len(calls) > 1 else ""
        lines.append(f"{prefix}{name} = {short_value(gradient['value'], node['dtype'])}")
    for index in node.get("target_of", []):
        lines.append(f"target of call {index + 1}")
    if node["kind"] != "literal" and not node["recorded"]:
        lines.append("not recorded")
    return "\n".join(lines)


def to_dot(graph: dict[str, Any], calls: list[dict[str, Any]] | None = None) -> str | None:
    """DOT text for st.graphviz_chart (left to right while small, else top down so labels stay legible), or None
    when the graph is empty or has more than MAX_NODES nodes."""
    nodes = graph.get("nodes", [])
    if not nodes or len(nodes) > MAX_NODES:
        return None
    calls = calls or []
    lines = [
        "digraph tape {",
        f'  rankdir="{"LR" if len(nodes) <= MAX_NODES_ACROSS else "TB"}";',
        '  bgcolor="transparent";',
        '  node [fontname="Helvetica", fontsize=11, margin="0.15,0.06"];',
        '  edge [color="#6b7280", arrowsize=0.7];',
    ]
    for node in nodes:
        style = STYLES.get((node["kind"], bool(node["recorded"])), STYLES[("literal", False)])
        lines.append(f"  {dot_string(node['id'])} [label={dot_string(node_label(node, calls))}, {style}];")
    recorded = {node["id"]: node["recorded"] for node in nodes}
    for edge in graph.get("edges", []):
        dashed = "" if recorded.get(edge["source"]) else ' [style="dashed"]'
        lines.append(f"  {dot_string(edge['source'])} -> {dot_string(edge['target'])}{dashed};")
    lines.append("}")
    return "\n".join(lines)
