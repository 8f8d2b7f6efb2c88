"""The whitelist of TF functions a user program may call and the shape each returns; imports no TensorFlow."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Shape = tuple[int, ...]

MAX_ELEMENTS = 10_000
MAX_RANK = 8
DTYPE_NAMES: tuple[str, ...] = ("float32", "float64", "int32")

# Kinds of parameter: a tensor expression, a number/list literal, or a literal option checked by the parser.
TENSOR = "tensor"
AXIS = "axis"
BOOL = "bool"
SHAPE = "shape"
DTYPE = "dtype"
PERM = "perm"
LITERAL = "literal"


@dataclass(frozen=True)
class Param:
    """One parameter, named exactly as TF names it."""

    name: str
    kind: str = TENSOR
    required: bool = True


@dataclass(frozen=True)
class FunctionSpec:
    """A whitelisted TF function: its canonical spelling, parameters and how its result is shaped."""

    name: str
    params: tuple[Param, ...]
    shape_rule: str
    aliases: tuple[str, ...] = ()


def _unary(name: str, *aliases: str, param: str = "x") -> FunctionSpec:
    return FunctionSpec(name, (Param(param),), "same", aliases)


def _binary(name: str, *aliases: str) -> FunctionSpec:
    return FunctionSpec(name, (Param("x"), Param("y")), "broadcast", aliases)


def _reduce(name: str, *aliases: str) -> FunctionSpec:
    params = (Param("input_tensor"), Param("axis", AXIS, False), Param("keepdims", BOOL, False))
    return FunctionSpec(name, params, "reduce", aliases)


_SPECS: tuple[FunctionSpec, ...] = (
    _unary("tf.math.sin", "tf.sin"),
    _unary("tf.math.cos", "tf.cos"),
    _unary("tf.math.tan", "tf.tan"),
    _unary("tf.math.exp", "tf.exp"),
    _unary("tf.math.log"),
    _unary("tf.math.sqrt", "tf.sqrt"),
    _unary("tf.math.square", "tf.square"),
    _unary("tf.math.abs", "tf.abs"),
    _unary("tf.math.negative", "tf.negative"),
    _unary("tf.math.tanh", "tf.tanh", "tf.nn.tanh"),
    _unary("tf.math.sigmoid", "tf.sigmoid", "tf.nn.sigmoid"),
    _unary("tf.nn.relu", param="features"),
    _unary("tf.math.softplus", "tf.nn.softplus", param="features"),
    _unary("tf.stop_gradient", param="input"),
    _binary("tf.math.add", "tf.add"),
    _binary("tf.math.subtract", "tf.subtract"),
    _binary("tf.math.multiply", "tf.multiply"),
    _binary("tf.math.divide", "tf.divide"),
    _binary("tf.math.maximum", "tf.maximum"),
    _binary("tf.math.minimum", "tf.minimum"),
    _binary("tf.math.pow", "tf.pow"),
    _reduce("tf.math.reduce_sum", "tf.reduce_sum"),
    _reduce("tf.math.reduce_mean", "tf.reduce_mean"),
    _reduce("tf.math.reduce_max", "tf.reduce_max"),
    _reduce("tf.math.reduce_min", "tf.reduce_min"),
    _reduce("tf.math.reduce_prod", "tf.reduce_prod"),
    FunctionSpec(
        "tf.linalg.matmul",
        (Param("a"), Param("b"), Param("transpose_a", BOOL, False), Param("transpose_b", BOOL, False)),
        "matmul",
        ("tf.matmul",),
    ),
    FunctionSpec("tf.transpose", (Param("a"), Param("perm", PERM, False)), "transpose"),
    FunctionSpec("tf.cast", (Param("x"), Param("dtype", DTYPE)), "same", ("tf.dtypes.cast",)),
    FunctionSpec("tf.constant", (Param("value", LITERAL), Param("dtype", DTYPE, False)), "same"),
    FunctionSpec("tf.ones", (Param("shape", SHAPE), Param("dtype", DTYPE, False)), "shape"),
    FunctionSpec("tf.zeros", (Param("shape", SHAPE), Param("dtype", DTYPE, False)), "shape"),
    FunctionSpec("tf.ones_like", (Param("input"), Param("dtype", DTYPE, False)), "same"),
    FunctionSpec("tf.zeros_like", (Param("input"), Param("dtype", DTYPE, False)), "same"),
)

# Canonical name -> spec, and every accepted spelling -> canonical name.
FUNCTIONS: dict[str, FunctionSpec] = {spec.name: spec for spec in _SPECS}
SPELLINGS: dict[str, str] = {alias: spec.name for spec in _SPECS for alias in (spec.name, *spec.aliases)}
# Functions whose gradient is cut on purpose, and those with kinks where finite differences may disagree.
STOPS_GRADIENT = frozenset({"tf.stop_gradient"})
KINKED = frozenset(
    {"tf.nn.relu", "tf.math.abs", "tf.math.maximum", "tf.math.minimum", "tf.math.reduce_max", "tf.math.reduce_min"}
)
# Binary operators and the shape rule of each.
OPERATORS: dict[str, str] = {
    "+": "broadcast",
    "-": "broadcast",
    "*": "broadcast",
    "/": "broadcast",
    "**": "broadcast",
    "@": "matmul",
}


def size_of(shape: Shape) -> int:
    """Number of elements in a tensor of this shape."""
    return math.prod(shape)


def broadcast_shape(left: Shape, right: Shape) -> Shape | None:
    """NumPy/TF broadcasting, or None when the shapes are incompatible (TF raises)."""
    rank = max(len(left), len(right))
    padded_left = (1,) * (rank - len(left)) + left
    padded_right = (1,) * (rank - len(right)) + right
    result = []
    for a, b in zip(padded_left, padded_right):
        if a != b and 1 not in (a, b):
            return None
        result.append(b if a == 1 else a)
    return tuple(result)


def matmul_shape(left: Shape, right: Shape, transpose_a: bool = False, transpose_b: bool = False) -> Shape | None:
    """The shape tf.linalg.matmul returns, or None when TF would raise."""
    if len(left) < 2 or len(right) < 2:
        return None
    rows, inner_a = (left[-1], left[-2]) if transpose_a else (left[-2], left[-1])
    inner_b, cols = (right[-1], right[-2]) if transpose_b else (right[-2], right[-1])
    batch = broadcast_shape(left[:-2], right[:-2])
    if inner_a != inner_b or batch is None:
        return None
    return (*batch, rows, cols)


def reduce_shape(shape: Shape, axis: Any, keepdims: bool) -> Shape | None:
    """The shape of a reduce_* over axis (None, an int or a list of ints)."""
    if axis is None:
        return (1,) * len(shape) if keepdims else ()
    axes = [axis] if isinstance(axis, int) else list(axis)
    rank = len(shape)
    if any(not -rank <= a < rank for a in axes) or rank == 0:
        return None if axes else shape
    chosen = {a % rank for a in axes}
    if keepdims:
        return tuple(1 if i in chosen else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in chosen)


def transpose_shape(shape: Shape, perm: Sequence[int] | None) -> Shape | None:
    """The shape of tf.transpose(a, perm)."""
    if perm is None:
        return tuple(reversed(shape))
    if sorted(perm) != list(range(len(shape))):
        return None
    return tuple(shape[p] for p in perm)


def result_shape(rule: str, shapes: Sequence[Shape | None], options: Mapping[str, Any]) -> Shape | None:
    """Shape of a function or operator result from its tensor arguments' shapes (None: unknown or TF raises)."""
    if rule == "shape":
        return tuple(options["shape"])
    if any(shape is None for shape in shapes):
        return None
    if rule == "same":
        return shapes[0]
    if rule == "broadcast":
        return broadcast_shape(shapes[0], shapes[1])
    if rule == "matmul":
        return matmul_shape(shapes[0], shapes[1], options.get("transpose_a", False), options.get("transpose_b", False))
    if rule == "reduce":
        return reduce_shape(shapes[0], options.get("axis"), bool(options.get("keepdims", False)))
    if rule == "transpose":
        return transpose_shape(shapes[0], options.get("perm"))
    raise ValueError(f"unknown shape rule {rule!r}")


def allowed_names() -> str:
    """The accepted spellings, for error messages."""
    return ", ".join(sorted(SPELLINGS))
