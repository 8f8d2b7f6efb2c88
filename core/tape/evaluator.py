"""Walks a parsed program with real TensorFlow ops looked up in a fixed table; it never evaluates program text."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import tensorflow as tf

from core.tape.functions import FUNCTIONS, MAX_ELEMENTS, OPERATORS, result_shape, size_of
from core.tape.nodes import BinOp, Call, Expr, Literal, Name, Program, ProgramError, UnaryOp
from core.tape.recorder import GraphRecorder
from core.tape.request import InputSpec
from core.tape.tf_messages import clean_tf_message

TF_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "tf.math.sin": tf.math.sin,
    "tf.math.cos": tf.math.cos,
    "tf.math.tan": tf.math.tan,
    "tf.math.exp": tf.math.exp,
    "tf.math.log": tf.math.log,
    "tf.math.sqrt": tf.math.sqrt,
    "tf.math.square": tf.math.square,
    "tf.math.abs": tf.math.abs,
    "tf.math.negative": tf.math.negative,
    "tf.math.tanh": tf.math.tanh,
    "tf.math.sigmoid": tf.math.sigmoid,
    "tf.nn.relu": tf.nn.relu,
    "tf.math.softplus": tf.math.softplus,
    "tf.stop_gradient": tf.stop_gradient,
    "tf.math.add": tf.math.add,
    "tf.math.subtract": tf.math.subtract,
    "tf.math.multiply": tf.math.multiply,
    "tf.math.divide": tf.math.divide,
    "tf.math.maximum": tf.math.maximum,
    "tf.math.minimum": tf.math.minimum,
    "tf.math.pow": tf.math.pow,
    "tf.math.reduce_sum": tf.math.reduce_sum,
    "tf.math.reduce_mean": tf.math.reduce_mean,
    "tf.math.reduce_max": tf.math.reduce_max,
    "tf.math.reduce_min": tf.math.reduce_min,
    "tf.math.reduce_prod": tf.math.reduce_prod,
    "tf.linalg.matmul": tf.linalg.matmul,
    "tf.transpose": tf.transpose,
    "tf.cast": tf.cast,
    "tf.constant": tf.constant,
    "tf.ones": tf.ones,
    "tf.zeros": tf.zeros,
    "tf.ones_like": tf.ones_like,
    "tf.zeros_like": tf.zeros_like,
}
TF_DTYPES: dict[str, tf.DType] = {"float32": tf.float32, "float64": tf.float64, "int32": tf.int32}
PYTHON_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "@": operator.matmul,
}


class ForwardError(Exception):
    """An exception raised while the program ran, with the place of the operation that raised it."""

    def __init__(self, error: Exception, line: int | None, col: int | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.line = line
        self.col = col

    def to_dict(self) -> dict[str, Any]:
        """{"type", "message", "line", "col"} with TF's own exception class name and message."""
        message = self.error.message if isinstance(self.error, ProgramError) else clean_tf_message(str(self.error))
        return {"type": type(self.error).__name__, "message": message, "line": self.line, "col": self.col}


@dataclass
class Override:
    """Replace a name's final binding with a given value (for finite differences), optionally watched by a tape."""

    name: str
    statement: int | None
    value: np.ndarray
    tape: tf.GradientTape | None = None
    tensor: tf.Tensor | None = None

    def make(self) -> tf.Tensor:
        """The replacement tensor, watched when a tape is given."""
        self.tensor = tf.constant(self.value)
        if self.tape is not None:
            self.tape.watch(self.tensor)
        return self.tensor


def make_input(spec: InputSpec) -> tf.Tensor | tf.Variable:
    """tf.constant, tf.Variable or tf.Variable(trainable=False), as declared."""
    dtype = TF_DTYPES[spec.dtype]
    value = np.asarray(spec.value, dtype=dtype.as_numpy_dtype)  # tf.Variable reads nested tuples slowly
    if spec.kind == "constant":
        return tf.constant(value, dtype=dtype)
    return tf.Variable(value, dtype=dtype, trainable=spec.kind == "variable", name=spec.name)


def final_statement(program: Program, name: str) -> int | None:
    """Index of the statement that binds a name last, or None when it is never assigned (an input)."""
    indexes = [i for i, statement in enumerate(program.statements) if statement.target == name]
    return indexes[-1] if indexes else None


def plain(value: Any) -> Any:
    """A tensor, Variable or literal as nested lists of Python numbers."""
    if hasattr(value, "numpy"):
        return value.numpy().tolist()
    return np.asarray(value).tolist()


class Evaluator:
    """Runs statements in order; optionally records the graph, computes in float64, or overrides one binding."""

    def __init__(
        self, recorder: GraphRecorder | None = None, float64: bool = False, override: Override | None = None
    ) -> None:
        self.recorder = recorder
        self.float64 = float64
        self.override = override
        self.line: int | None = None
        self.col: int | None = None
        self._env: dict[str, Any] = {}

    def run(self, program: Program, env: dict[str, Any]) -> dict[str, Any]:
        """Bind each statement's result in env (in place); raises ForwardError on any failure."""
        self._env = env
        try:
            for index, statement in enumerate(program.statements):
                self.line, self.col = statement.line, statement.col
                value, node = self._expr(statement.value)
                value = self._tensor(value)
                if self.override is not None and self.override.statement == index:
                    value = self.override.make()
                env[statement.target] = value
                if self.recorder is not None:
                    self.recorder.add_output(statement.target, node, statement.line, statement.col)
        except ForwardError:
            raise
        except Exception as error:  # any TF failure is reported with its place, never raised out
            raise ForwardError(error, self.line, self.col) from error
        return env

    def _expr(self, node: Expr) -> tuple[Any, str | None]:
        """The value of an expression and its graph node id (None when not recording)."""
        if isinstance(node, Name):
            node_id = self.recorder.current(node.id) if self.recorder is not None else None
            return self._env[node.id], node_id
        if isinstance(node, Literal):
            node_id = self.recorder.add_literal(node.value, node.line, node.col) if self.recorder else None
            return node.value, node_id
        if isinstance(node, UnaryOp):
            operand, operand_id = self._expr(node.operand)
            return self._op(node, "-", "neg", [operand_id], lambda: -self._tensor(operand))
        if isinstance(node, BinOp):
            return self._binary(node)
        return self._call(node)

    def _binary(self, node: BinOp) -> tuple[Any, str | None]:
        left, left_id = self._expr(node.left)
        right, right_id = self._expr(node.right)
        self._check_size(OPERATORS[node.op], [left, right], {}, node)
        left, right = self._operands(left, right)
        function = PYTHON_OPERATORS[node.op]
        return self._op(node, node.op, node.op, [left_id, right_id], lambda: function(left, right))

    def _call(self, node: Call) -> tuple[Any, str | None]:
        kwargs: dict[str, Any] = {}
        ids: list[str | None] = []
        values = []
        for name, arg in node.args:
            value, node_id = self._expr(arg)
            values.append(value)
            ids.append(node_id)
            kwargs[name] = self._call_argument(value)
        options = dict(node.options)
        self._check_size(FUNCTIONS[node.function].shape_rule, values, options, node)
        kwargs.update({name: self._option(name, value) for name, value in options.items()})
        if self.float64 and node.function in ("tf.ones", "tf.zeros") and "dtype" not in kwargs:
            kwargs["dtype"] = tf.float64
        function = TF_FUNCTIONS[node.function]
        return self._op(node, node.spelled, node.function, ids, lambda: function(**kwargs))

    def _op(
        self, node: Expr, label: str, function: str, ids: list[str | None], compute: Callable[[], Any]
    ) -> tuple[Any, str | None]:
        self.line, self.col = node.line, node.col
        result = compute()
        if self.recorder is None:
            return result, None
        node_id = self.recorder.add_op(label, function, ids, result.dtype.name, result.numpy(), node.line, node.col)
        return result, node_id

    def _check_size(self, rule: str, values: list[Any], options: dict[str, Any], node: Expr) -> None:
        """Refuse, before running it, an op whose result would exceed the element limit."""
        shapes = [tuple(np.shape(v)) if not hasattr(v, "shape") else tuple(v.shape) for v in values]
        shape = result_shape(rule, shapes, options)
        if shape is not None and size_of(shape) > MAX_ELEMENTS:
            raise ProgramError(
                f"this makes a tensor of shape {list(shape)}; at most {MAX_ELEMENTS:,} elements are allowed",
                node.line,
                node.col,
            )

    def _literal_tensor(self, value: Any, dtype_hint: tf.DType | None = None) -> tf.Tensor:
        if dtype_hint is None and self.float64 and _has_float(value):
            dtype_hint = tf.float64
        return tf.convert_to_tensor(value, dtype_hint=dtype_hint)

    def _tensor(self, value: Any) -> Any:
        return value if _is_tensor(value) else self._literal_tensor(value)

    def _operands(self, left: Any, right: Any) -> tuple[Any, Any]:
        """Convert literals the way TF's operator overloads would: to the other operand's dtype when it has one."""
        if not _is_tensor(left) and not _is_tensor(right):
            return self._literal_tensor(left), right
        if isinstance(left, tuple):
            left = self._literal_tensor(left, right.dtype)
        if isinstance(right, tuple):
            right = self._literal_tensor(right, left.dtype)
        return left, right

    def _call_argument(self, value: Any) -> Any:
        if self.float64 and not _is_tensor(value) and _has_float(value):
            return self._literal_tensor(value)
        return value

    def _option(self, name: str, value: Any) -> Any:
        if name == "dtype":
            return tf.float64 if self.float64 and value == "float32" else TF_DTYPES[value]
        return list(value) if isinstance(value, tuple) else value


def _is_tensor(value: Any) -> bool:
    return isinstance(value, (tf.Tensor, tf.Variable))


def _has_float(value: Any) -> bool:
    if isinstance(value, tuple):
        return any(_has_float(item) for item in value)
    return isinstance(value, float)
