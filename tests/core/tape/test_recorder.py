"""core.tape.recorder: the recorded graph's nodes and edges, what counts as recorded, reachability and plain data."""

from __future__ import annotations

import numpy as np

from core.tape.recorder import GRAPH_VALUE_LIMIT, GraphRecorder


def tutorial_graph() -> GraphRecorder:
    """t3 = t1 * t2; t4 = t3 + t2, with t1 watched and t2 not."""
    recorder = GraphRecorder()
    recorder.add_input("t1", "variable", "float32", np.array([1.0, 2.0], np.float32), True)
    recorder.add_input("t2", "constant", "float32", np.array([3.0, 4.0], np.float32), False)
    product = recorder.add_op("*", "*", ["t1", "t2"], "float32", np.array([3.0, 8.0]), 1, 6)
    recorder.add_output("t3", product, 1, 1)
    total = recorder.add_op("+", "+", ["t3", "t2"], "float32", np.array([6.0, 12.0]), 2, 6)
    recorder.add_output("t4", total, 2, 1)
    return recorder


def test_nodes_edges_and_what_was_recorded() -> None:
    recorder = tutorial_graph()
    assert list(recorder.nodes) == ["t1", "t2", "op1", "t3", "op2", "t4"]
    edges = [("t1", "op1", 0), ("t2", "op1", 1), ("op1", "t3", 0), ("t3", "op2", 0), ("t2", "op2", 1)]
    assert recorder.edges == [*edges, ("op2", "t4", 0)]
    assert recorder.nodes["op1"].recorded and recorder.nodes["t4"].recorded and not recorder.nodes["t2"].recorded
    assert recorder.nodes["t4"].value == [6.0, 12.0] and recorder.nodes["t4"].shape == [2]


def test_ops_on_unrecorded_integer_or_stopped_inputs_are_not_recorded() -> None:
    recorder = tutorial_graph()
    only_t2 = recorder.add_op("-", "-", ["t2"], "float32", np.zeros(2), 3, 1)
    cast = recorder.add_op("tf.cast", "tf.cast", ["t1"], "int32", np.zeros(2, np.int32), 4, 1)
    from_int = recorder.add_op("*", "*", [cast], "float32", np.zeros(2), 5, 1)
    stopped = recorder.add_op("tf.stop_gradient", "tf.stop_gradient", ["t1"], "float32", np.zeros(2), 6, 1)
    assert not any(recorder.nodes[node].recorded for node in (only_t2, cast, from_int, stopped))


def test_rebinding_a_name_moves_final_and_origin_follows_renames() -> None:
    recorder = tutorial_graph()
    renamed = recorder.add_output("t5", "t4", 3, 1)  # t5 = t4
    again = recorder.add_output("t4", "op1", 4, 1)  # t4 = the product, again
    assert again == "t4#2" and recorder.current("t4") == "t4#2" and recorder.bindings["t4"] == ["t4", "t4#2"]
    assert recorder.nodes["t4#2"].final and not recorder.nodes["t4"].final
    assert recorder.origin(renamed).id == "op2" and recorder.origin("t1").id == "t1"


def test_reaches_follows_edges_and_can_avoid_nodes() -> None:
    recorder = tutorial_graph()
    assert recorder.reaches("t1", "t4") and recorder.reaches("t2", "t4") and recorder.reaches("t4", "t4")
    assert not recorder.reaches("t4", "t1")
    assert recorder.reaches("t2", "t4", avoid=lambda node: node.id == "op1")  # t2 also feeds op2 directly
    assert not recorder.reaches("t1", "t4", avoid=lambda node: node.id == "op1")


def test_to_dict_is_plain_data_and_truncates_big_values() -> None:
    recorder = GraphRecorder()
    recorder.add_input("big", "variable", "float32", np.zeros(GRAPH_VALUE_LIMIT + 1, np.float32), True)
    recorder.add_input("small", "variable", "float32", np.zeros(GRAPH_VALUE_LIMIT, np.float32), True)
    literal = recorder.add_literal((1.0, (2.0, 3.0)), 1, 5)
    long_literal = recorder.add_literal(tuple(float(i) for i in range(50)), 2, 5)
    data = recorder.to_dict()
    nodes = {node["id"]: node for node in data["nodes"]}
    assert nodes["big"]["value"] is None and nodes["big"]["truncated"] and nodes["big"]["shape"] == [1001]
    assert len(nodes["small"]["value"]) == GRAPH_VALUE_LIMIT and not nodes["small"]["truncated"]
    assert nodes[literal]["label"] == "[1.0, [2.0, 3.0]]" and nodes[literal]["value"] == [1.0, [2.0, 3.0]]
    assert nodes[long_literal]["label"] == "[…]" and nodes[long_literal]["shape"] == [50]
    assert data["edges"] == [] and not nodes[literal]["recorded"]
