"""The DOT text of a recorded computation: safe quoting, forward values and gradients in labels, size limit."""

from __future__ import annotations

from typing import Any

from ui.explorer.graph_dot import MAX_NODES, dot_string, to_dot


def node(node_id: str, kind: str = "input", **extra: Any) -> dict[str, Any]:
    base = {
        "id": node_id,
        "kind": kind,
        "label": node_id,
        "dtype": "float32",
        "shape": [2],
        "value": [1.0, 2.0],
        "recorded": True,
        "name": node_id,
        "gradients": [],
        "target_of": [],
        "truncated": False,
    }
    return {**base, **extra}


def test_labels_cannot_break_out_of_their_quotes() -> None:
    assert dot_string('a"b\\c\nd\x00') == '"a\\"b\\\\c\\nd"'
    hostile = node('x"]; evil [label="', label='y"] ; "z\\')
    dot = to_dot({"nodes": [hostile], "edges": []})
    assert '"x\\"]; evil [label=\\""' in dot and 'label="y\\"] ; \\"z\\\\' in dot
    assert dot.count("\n  ") == 5  # the four defaults and the one node: nothing injected


def test_nodes_show_values_gradients_and_whether_they_were_recorded() -> None:
    graph = {
        "nodes": [
            node("x", gradients=[{"call": 0, "target": "y", "value": [2.0, 4.0]}]),
            node("c", tensor_kind="constant", recorded=False, gradients=[{"call": 0, "target": "y", "value": None}]),
            node("op1", "op", label="*", name=None),
            node("y", "output", target_of=[0]),
        ],
        "edges": [
            {"source": "x", "target": "op1", "slot": 0},
            {"source": "c", "target": "op1", "slot": 1},
            {"source": "op1", "target": "y", "slot": 0},
        ],
    }
    dot = to_dot(graph, [{"order": 1}])
    assert 'label="x\\nfloat32 [2]\\n= [1. 2.]\\ndy/dx = [2. 4.]"' in dot
    assert "dy/dc = None\\nnot recorded" in dot and '"c" -> "op1" [style="dashed"];' in dot
    assert "target of call 1" in dot and '"x" -> "op1";' in dot


def test_empty_or_huge_graphs_are_not_drawn() -> None:
    assert to_dot({"nodes": [], "edges": []}) is None
    assert to_dot({"nodes": [node(f"n{i}") for i in range(MAX_NODES + 1)], "edges": []}) is None
