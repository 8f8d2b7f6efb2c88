"""The computation a program ran, as nodes (inputs, literals, ops, outputs) and edges with forward values; no TF."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from core.tape.functions import STOPS_GRADIENT

GRAPH_VALUE_LIMIT = 1_000
FLOAT_DTYPES = frozenset({"float16", "bfloat16", "float32", "float64"})


@dataclass
class Node:
    """One node: an input, a literal, an op, or an output (a name bound by an assignment)."""

    id: str
    kind: str
    label: str
    dtype: str | None
    shape: list[int]
    value: Any
    recorded: bool
    line: int | None = None
    col: int | None = None
    name: str | None = None
    function: str | None = None
    tensor_kind: str | None = None
    final: bool = False
    target_of: list[int] = field(default_factory=list)
    gradients: list[dict[str, Any]] = field(default_factory=list)

    @property
    def floating(self) -> bool:
        """Whether gradients can flow through this node's dtype."""
        return self.dtype in FLOAT_DTYPES


class GraphRecorder:
    """Collects nodes and edges while a program runs; answers reachability questions afterwards."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: list[tuple[str, str, int]] = []
        self.bindings: dict[str, list[str]] = {}
        self._counts: dict[str, int] = {}

    def _new_id(self, prefix: str) -> str:
        self._counts[prefix] = self._counts.get(prefix, 0) + 1
        return f"{prefix}{self._counts[prefix]}"

    def _bind(self, name: str, node: Node) -> None:
        history = self.bindings.setdefault(name, [])
        if history:
            self.nodes[history[-1]].final = False
        history.append(node.id)
        node.final = True

    def add_input(self, name: str, kind: str, dtype: str, value: Any, recorded: bool) -> str:
        """An input tensor or Variable, named as declared."""
        node = Node(name, "input", f"{name} ({kind})", dtype, _shape(value), _small(value), recorded, name=name)
        node.tensor_kind = kind
        self.nodes[node.id] = node
        self._bind(name, node)
        return node.id

    def add_literal(self, value: Any, line: int, col: int) -> str:
        """A number or list written in the program."""
        node_id = self._new_id("literal")
        label = repr(_plain(value)) if len(repr(value)) <= 40 else "[…]"
        self.nodes[node_id] = Node(node_id, "literal", label, None, _shape(value), _small(value), False, line, col)
        return node_id

    def add_op(
        self, label: str, function: str, inputs: list[str | None], dtype: str, value: Any, line: int, col: int
    ) -> str:
        """An operator or whitelisted TF call; it is recorded when any float input was recorded."""
        node_id = self._new_id("op")
        recorded = (
            dtype in FLOAT_DTYPES
            and function not in STOPS_GRADIENT
            and any(self.nodes[i].recorded and self.nodes[i].floating for i in inputs if i is not None)
        )
        node = Node(node_id, "op", label, dtype, _shape(value), _small(value), recorded, line, col, function=function)
        self.nodes[node_id] = node
        self.edges.extend((source, node_id, slot) for slot, source in enumerate(inputs) if source is not None)
        return node_id

    def add_output(self, name: str, source: str, line: int, col: int) -> str:
        """The name an assignment binds, fed by the node that computed it."""
        producer = self.nodes[source]
        count = len(self.bindings.get(name, []))
        node_id = name if count == 0 else f"{name}#{count + 1}"
        node = Node(
            node_id, "output", name, producer.dtype, producer.shape, producer.value, producer.recorded, line, col
        )
        node.name = name
        self.nodes[node_id] = node
        self.edges.append((source, node_id, 0))
        self._bind(name, node)
        return node_id

    def current(self, name: str) -> str:
        """The node a name is bound to now."""
        return self.bindings[name][-1]

    def origin(self, node_id: str) -> Node:
        """Follow plain renames (y = x) back to the node that made the value."""
        node = self.nodes[node_id]
        while node.kind == "output":
            source = next(s for s, t, _ in self.edges if t == node.id)
            node = self.nodes[source]
        return node

    def reaches(self, source: str, target: str, avoid: Callable[[Node], bool] | None = None) -> bool:
        """Whether target is computed from source, optionally through no node that `avoid` picks."""
        if source == target:
            return True
        following: dict[str, list[str]] = {}
        for start, end, _ in self.edges:
            following.setdefault(start, []).append(end)
        seen = {source}
        queue = deque([source])
        while queue:
            for nxt in following.get(queue.popleft(), []):
                if nxt == target:
                    return True
                if nxt in seen or (avoid is not None and avoid(self.nodes[nxt])):
                    continue
                seen.add(nxt)
                queue.append(nxt)
        return False

    def to_dict(self) -> dict[str, Any]:
        """Plain data: {"nodes": [...], "edges": [{"source", "target", "slot"}]}."""
        nodes = []
        for node in self.nodes.values():  # shallow copies: asdict would deep-copy every gradient value
            data = {item.name: getattr(node, item.name) for item in fields(node)}
            data.update(shape=list(node.shape), target_of=list(node.target_of), gradients=list(node.gradients))
            data["truncated"] = node.value is None
            nodes.append(data)
        edges = [{"source": s, "target": t, "slot": slot} for s, t, slot in self.edges]
        return {"nodes": nodes, "edges": edges}


def _shape(value: Any) -> list[int]:
    shape = getattr(value, "shape", None)
    if shape is not None:
        return list(shape)
    dims = []
    while isinstance(value, list | tuple):
        dims.append(len(value))
        value = value[0] if value else None
    return dims


def _small(value: Any) -> Any:
    """The value as plain data, or None when it has more than GRAPH_VALUE_LIMIT elements."""
    size = getattr(value, "size", None)
    if size is not None:
        return value.tolist() if size <= GRAPH_VALUE_LIMIT else None
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value
