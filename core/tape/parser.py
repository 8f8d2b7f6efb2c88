"""Parses a user's GradientTape program with ast into a whitelisted tree; never evaluates it and never imports TF."""

from __future__ import annotations

import ast
import math
import operator
import warnings
from collections.abc import Mapping
from typing import Any

from core.tape.functions import (
    AXIS,
    BOOL,
    DTYPE,
    DTYPE_NAMES,
    FUNCTIONS,
    LITERAL,
    MAX_ELEMENTS,
    MAX_RANK,
    OPERATORS,
    PERM,
    SHAPE,
    SPELLINGS,
    TENSOR,
    FunctionSpec,
    Shape,
    allowed_names,
    result_shape,
    size_of,
)
from core.tape.nodes import Assign, BinOp, Call, Expr, Literal, Name, Program, ProgramError, UnaryOp

MAX_PROGRAM_CHARS = 5_000
MAX_LINES = 200
MAX_STATEMENTS = 100
MAX_DEPTH = 32
MAX_EXPONENT = 64
MAX_LITERAL = 1e38
RESERVED_NAMES = frozenset({"tf"})

_BINARY_OPS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.MatMult: "@",
}
_PYTHON_ARITHMETIC: dict[str, Any] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}
_OPERATOR_TEXT: dict[type, str] = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.Invert: "~",
    ast.Not: "not",
}
_REFUSED_EXPRESSIONS: dict[type, str] = {
    ast.Subscript: "subscripts like x[0] are not allowed",
    ast.Slice: "slices are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "generator expressions are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.Compare: "comparisons are not allowed: the explorer runs straight-line code (see the control-flow card)",
    ast.BoolOp: "and/or are not allowed",
    ast.IfExp: "conditional expressions are not allowed (see the control-flow card)",
    ast.Dict: "dicts are not allowed",
    ast.Set: "sets are not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.NamedExpr: "the := operator is not allowed",
    ast.Starred: "* unpacking is not allowed",
}
_REFUSED_STATEMENTS: dict[type, str] = {
    ast.Import: "import statements",
    ast.ImportFrom: "import statements",
    ast.For: "for loops",
    ast.AsyncFor: "for loops",
    ast.While: "while loops",
    ast.If: "if statements",
    ast.With: "with blocks",
    ast.AsyncWith: "with blocks",
    ast.FunctionDef: "function definitions",
    ast.AsyncFunctionDef: "function definitions",
    ast.ClassDef: "class definitions",
    ast.Try: "try blocks",
    ast.Delete: "del statements",
    ast.Global: "global statements",
    ast.Nonlocal: "nonlocal statements",
    ast.Return: "return statements",
    ast.Raise: "raise statements",
    ast.Assert: "assert statements",
    ast.AnnAssign: "annotated assignments",
}


def parse_program(source: str, inputs: Mapping[str, Shape | None]) -> Program:
    """Parse and check a program whose free names are the inputs (name -> shape, None if unknown).

    Raises ProgramError (and nothing else) for anything outside the whitelist or the limits.
    """
    tree = _parse_text(source)
    if len(tree.body) > MAX_STATEMENTS:
        extra = tree.body[MAX_STATEMENTS]
        raise ProgramError(f"too many statements: at most {MAX_STATEMENTS} are allowed", *_where(extra))
    _check_tree(tree)
    shapes: dict[str, Shape | None] = dict(inputs)
    statements = []
    for node in tree.body:
        statement = _statement(node, shapes)
        shapes[statement.target] = statement.value.shape
        statements.append(statement)
    return Program(tuple(statements), source, shapes)


def program_error(source: str, inputs: Mapping[str, Shape | None]) -> dict[str, Any] | None:
    """The error parse_program would raise, as plain data, or None when the program is accepted."""
    try:
        parse_program(source, inputs)
    except ProgramError as error:
        return error.to_dict()
    return None


def _parse_text(source: Any) -> ast.Module:
    if not isinstance(source, str):
        raise ProgramError("the program must be text")
    if len(source) > MAX_PROGRAM_CHARS:
        raise ProgramError(f"the program is {len(source):,} characters long; at most {MAX_PROGRAM_CHARS:,} are allowed")
    lines = source.count("\n") + 1
    if lines > MAX_LINES:
        raise ProgramError(f"the program has {lines:,} lines; at most {MAX_LINES} are allowed")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source, mode="exec")
    except SyntaxError as error:
        return _raise_syntax(error)
    except (RecursionError, MemoryError):
        raise ProgramError(f"the program is nested too deeply: at most {MAX_DEPTH} levels are allowed") from None
    except (ValueError, OverflowError) as error:
        raise ProgramError(f"the program cannot be read: {error}") from None


def _raise_syntax(error: SyntaxError) -> ast.Module:
    message = error.msg or "invalid syntax"
    if "nested" in message or "too many" in message:
        message = f"{message}: at most {MAX_DEPTH} levels of nesting are allowed"
    raise ProgramError(f"syntax error: {message}", error.lineno, error.offset) from None


def _where(node: ast.AST) -> tuple[int | None, int | None]:
    line = getattr(node, "lineno", None)
    col = getattr(node, "col_offset", None)
    return line, None if col is None else col + 1


def _check_tree(tree: ast.Module) -> None:
    """Depth and dunder checks, iteratively, before anything recursive looks at the tree."""
    stack: list[tuple[ast.AST, int, tuple[int | None, int | None]]] = [
        (node, 1, _where(node)) for node in reversed(tree.body)
    ]
    while stack:
        node, depth, parent_place = stack.pop()
        place = _where(node) if hasattr(node, "lineno") else parent_place
        if depth > MAX_DEPTH:
            raise ProgramError(
                f"the expression is nested more than {MAX_DEPTH} levels deep; split it into several assignments",
                *place,
            )
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name is not None and "__" in name:
            raise ProgramError(f"dunder names like {name!r} are not allowed", *place)
        children = list(ast.iter_child_nodes(node))
        stack.extend((child, depth + 1, place) for child in reversed(children))


def _statement(node: ast.stmt, shapes: dict[str, Shape | None]) -> Assign:
    line, col = _where(node)
    text = ast.unparse(node)  # the statement as parsed: comments and raw line breaks are gone
    if isinstance(node, ast.Assign):
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            raise ProgramError("assign to exactly one plain name, e.g. y = tf.sin(x)", line, col)
        target = node.targets[0].id
        value = _expr(node.value, shapes)
    elif isinstance(node, ast.AugAssign):
        if not isinstance(node.target, ast.Name):
            raise ProgramError("assign to exactly one plain name, e.g. y += x", line, col)
        target = node.target.id
        op = _BINARY_OPS.get(type(node.op))
        if op is None:
            raise ProgramError(f"the operator {_operator_text(node.op)}= is not allowed; use + - * / ** @", line, col)
        left = _name(node.target, shapes)
        value = _binary(op, left, _expr(node.value, shapes), line, col)
    elif isinstance(node, ast.Expr):
        raise ProgramError("a bare expression does nothing here: assign it to a name, e.g. y = ...", line, col)
    else:
        what = _REFUSED_STATEMENTS.get(type(node), f"{type(node).__name__} statements")
        raise ProgramError(f"{what} are not allowed: a program is a list of assignments like y = tf.sin(x)", line, col)
    _check_target(target, line, col)
    return Assign(target, value, text, line, col)


def _check_target(target: str, line: int | None, col: int | None) -> None:
    if target in RESERVED_NAMES:
        raise ProgramError(f"{target!r} is reserved for TensorFlow and cannot be assigned", line, col)


def _expr(node: ast.expr, shapes: Mapping[str, Shape | None]) -> Expr:
    line, col = _where(node)
    if isinstance(node, ast.Name):
        return _name(node, shapes)
    if isinstance(node, (ast.Constant, ast.List, ast.Tuple)):
        return _literal(node)
    if isinstance(node, ast.UnaryOp):
        return _unary(node, shapes)
    if isinstance(node, ast.BinOp):
        op = _BINARY_OPS.get(type(node.op))
        if op is None:
            raise ProgramError(f"the operator {_operator_text(node.op)} is not allowed; use + - * / ** @", line, col)
        return _binary(op, _expr(node.left, shapes), _expr(node.right, shapes), line, col)
    if isinstance(node, ast.Call):
        return _call(node, shapes)
    if isinstance(node, ast.Attribute):
        raise ProgramError(_attribute_message(node), line, col)
    message = _REFUSED_EXPRESSIONS.get(type(node), f"{type(node).__name__} expressions are not allowed")
    raise ProgramError(message, line, col)


def _operator_text(op: ast.AST) -> str:
    return _OPERATOR_TEXT.get(type(op), type(op).__name__)


def _attribute_message(node: ast.Attribute) -> str:
    dotted = _dotted(node)
    if dotted in SPELLINGS:
        return f"{dotted} is a function: call it, e.g. {dotted}(x)"
    if dotted is not None and dotted.startswith("tf.") and dotted[3:] in DTYPE_NAMES:
        return f"{dotted} can only be passed as a dtype, e.g. tf.cast(x, {dotted})"
    shown = dotted if dotted is not None else f"….{node.attr}"
    return f"attribute {shown!r} is not allowed: only the tf functions in the table can be used"


def _name(node: ast.Name, shapes: Mapping[str, Shape | None]) -> Name:
    line, col = _where(node)
    if node.id in RESERVED_NAMES:
        raise ProgramError(f"{node.id!r} on its own is not a value; call a function such as tf.sin(x)", line, col)
    if node.id not in shapes:
        raise ProgramError(
            f"name {node.id!r} is not defined: declare it as an input or assign it on an earlier line", line, col
        )
    return Name(node.id, shapes[node.id], line, col)


def _unary(node: ast.UnaryOp, shapes: Mapping[str, Shape | None]) -> Expr:
    line, col = _where(node)
    if not isinstance(node.op, (ast.USub, ast.UAdd)):
        raise ProgramError(f"the operator {_operator_text(node.op)} is not allowed; use + - * / ** @", line, col)
    operand = _expr(node.operand, shapes)
    op = "-" if isinstance(node.op, ast.USub) else "+"
    if isinstance(operand, Literal) and operand.shape == ():
        value = -operand.value if op == "-" else operand.value
        return Literal(value, (), operand.is_float, line, col)
    if isinstance(operand, Literal):
        raise ProgramError(f"{op}[...] is not valid Python: put the sign on each number inside the list", line, col)
    if op == "+":
        raise ProgramError("unary + on a tensor raises TypeError in TensorFlow; write the name without +", line, col)
    return UnaryOp(op, operand, operand.shape, line, col)


def _binary(op: str, left: Expr, right: Expr, line: int | None, col: int | None) -> Expr:
    if op == "**":
        _check_exponent(right)
    if isinstance(left, Literal) and isinstance(right, Literal):
        return _fold(op, left, right, line, col)
    shape = result_shape(OPERATORS[op], [left.shape, right.shape], {})
    _check_size(shape, line, col)
    return BinOp(op, left, right, shape, line, col)


def _fold(op: str, left: Literal, right: Literal, line: int | None, col: int | None) -> Literal:
    """Python computes number-op-number itself before TF sees it; do the same, within the literal limits."""
    if left.shape or right.shape:
        raise ProgramError(
            f"{op} between two list literals is Python list arithmetic, not TF: wrap one side in tf.constant(...)",
            line,
            col,
        )
    if op == "@":
        raise ProgramError("@ needs tensors, not plain numbers", line, col)
    try:
        value = _PYTHON_ARITHMETIC[op](left.value, right.value)
    except ZeroDivisionError:
        raise ProgramError("division by zero in a constant expression", line, col) from None
    except OverflowError:
        raise ProgramError(f"a constant expression is larger than {MAX_LITERAL:g}", line, col) from None
    if isinstance(value, complex):
        raise ProgramError("a constant expression has a complex result", line, col)
    if abs(value) > MAX_LITERAL or (isinstance(value, float) and not math.isfinite(value)):
        raise ProgramError(f"a constant expression is larger than {MAX_LITERAL:g}", line, col)
    return Literal(value, (), isinstance(value, float), line, col)


def _check_size(shape: Shape | None, line: int | None, col: int | None) -> None:
    if shape is not None and size_of(shape) > MAX_ELEMENTS:
        raise ProgramError(
            f"this makes a tensor of shape {list(shape)} ({size_of(shape):,} elements); "
            f"at most {MAX_ELEMENTS:,} elements are allowed",
            line,
            col,
        )


def _check_exponent(exponent: Expr) -> None:
    """A constant exponent (a number or list of numbers) must be small; tensor exponents are elementwise and safe."""
    if not isinstance(exponent, Literal):
        return
    bound = max((abs(v) for v in _flatten(exponent.value)), default=0.0)
    if not bound <= MAX_EXPONENT:
        raise ProgramError(
            f"the exponent is {bound:g}: a constant exponent must be at most {MAX_EXPONENT} in size",
            exponent.line,
            exponent.col,
        )


def _flatten(value: Any) -> list[float]:
    if isinstance(value, tuple):
        return [item for part in value for item in _flatten(part)]
    return [float(value)]


def _literal(node: ast.expr) -> Literal:
    line, col = _where(node)
    value, shape, is_float = _literal_value(node)
    if len(shape) > MAX_RANK:
        raise ProgramError(f"a list literal may have at most {MAX_RANK} dimensions", line, col)
    _check_size(shape, line, col)
    return Literal(value, shape, is_float, line, col)


def _literal_value(node: ast.expr) -> tuple[Any, Shape, bool]:
    if isinstance(node, (ast.List, ast.Tuple)):
        parts = [_literal_value(element) for element in node.elts]
        shapes = {shape for _, shape, _ in parts}
        if len(shapes) > 1:
            raise ProgramError("a ragged list literal: every row must have the same length", *_where(node))
        inner = shapes.pop() if shapes else ()
        return tuple(value for value, _, _ in parts), (len(parts), *inner), any(f for _, _, f in parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        if not isinstance(node.operand, ast.Constant):
            raise ProgramError("list literals may only hold numbers", *_where(node))
        value, shape, is_float = _literal_value(node.operand)
        return (-value if isinstance(node.op, ast.USub) else value), shape, is_float
    if isinstance(node, ast.Constant):
        return _number(node), (), isinstance(node.value, float)
    raise ProgramError("list literals may only hold numbers (no names or expressions inside [ ])", *_where(node))


def _number(node: ast.Constant) -> int | float:
    line, col = _where(node)
    value = node.value
    if isinstance(value, bool):
        raise ProgramError("True/False are only allowed as options such as keepdims=True", line, col)
    if value is None:
        raise ProgramError("None is only allowed as an option such as axis=None", line, col)
    if isinstance(value, (str, bytes)):
        raise ProgramError("strings are not allowed", line, col)
    if isinstance(value, complex):
        raise ProgramError("complex numbers are not allowed", line, col)
    if not isinstance(value, (int, float)):
        raise ProgramError(f"the constant {type(value).__name__} is not allowed", line, col)
    if isinstance(value, float) and not math.isfinite(value):
        raise ProgramError("numbers must be finite", line, col)
    if abs(value) > MAX_LITERAL:
        raise ProgramError(f"numbers must be at most {MAX_LITERAL:g} in size", line, col)
    return value


def _dotted(node: ast.expr) -> str | None:
    """'tf.math.sin' for an attribute chain on a plain name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _call(node: ast.Call, shapes: Mapping[str, Shape | None]) -> Call:
    line, col = _where(node)
    spec, spelled = _function(node)
    bound = _bind(node, spec, spelled)
    args: list[tuple[str, Expr]] = []
    options: dict[str, Any] = {}
    for param in spec.params:
        if param.name not in bound:
            continue
        if param.kind == TENSOR:
            args.append((param.name, _expr(bound[param.name], shapes)))
        elif param.kind == LITERAL:
            args.append((param.name, _literal_argument(bound[param.name], spelled)))
        else:
            options[param.name] = _option(param.kind, bound[param.name], spelled, param.name)
    if spec.name == "tf.math.pow":
        _check_exponent(args[1][1])
    shape = result_shape(spec.shape_rule, [expr.shape for _, expr in args], options)
    _check_size(shape, line, col)
    return Call(spec.name, spelled, tuple(args), tuple(options.items()), shape, line, col)


def _literal_argument(node: ast.expr, spelled: str) -> Literal:
    numeric = isinstance(node, ast.Constant) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)
    )
    if not numeric and not isinstance(node, (ast.List, ast.Tuple)):
        raise ProgramError(f"{spelled}(...) takes a number or a list of numbers written out", *_where(node))
    return _literal(node)


def _function(node: ast.Call) -> tuple[FunctionSpec, str]:
    line, col = _where(node)
    spelled = _dotted(node.func)
    if spelled is None:
        raise ProgramError("only tf functions can be called, e.g. tf.sin(x)", line, col)
    if "." not in spelled:
        raise ProgramError(
            f"the function {spelled!r} is not allowed: only tf functions such as tf.sin(x) can be called", line, col
        )
    if not spelled.startswith("tf."):
        raise ProgramError(f"{spelled!r} is not allowed: only tf functions such as tf.sin(x) can be called", line, col)
    canonical = SPELLINGS.get(spelled)
    if canonical is None:
        raise ProgramError(f"{spelled} is not an allowed function; allowed: {allowed_names()}", line, col)
    return FUNCTIONS[canonical], spelled


def _bind(node: ast.Call, spec: FunctionSpec, spelled: str) -> dict[str, ast.expr]:
    """Map TF parameter names to argument nodes, refusing anything the table does not allow."""
    line, col = _where(node)
    names = [param.name for param in spec.params]
    if any(isinstance(arg, ast.Starred) for arg in node.args):
        raise ProgramError("* unpacking is not allowed", line, col)
    if len(node.args) > len(names):
        raise ProgramError(f"{spelled} takes at most {len(names)} positional argument(s)", line, col)
    bound = dict(zip(names, node.args))
    for keyword in node.keywords:
        if keyword.arg is None:
            raise ProgramError("** unpacking is not allowed", line, col)
        if keyword.arg not in names:
            allowed = ", ".join(names)
            raise ProgramError(f"{spelled} does not take the keyword {keyword.arg!r}; allowed: {allowed}", line, col)
        if keyword.arg in bound:
            raise ProgramError(f"{spelled} got two values for {keyword.arg!r}", line, col)
        bound[keyword.arg] = keyword.value
    for param in spec.params:
        if param.required and param.name not in bound:
            raise ProgramError(f"{spelled} needs the argument {param.name!r}", line, col)
    return bound


def _option(kind: str, node: ast.expr, spelled: str, name: str) -> Any:
    line, col = _where(node)
    where = f"{spelled}(..., {name}=...)"
    if kind == BOOL:
        if not isinstance(node, ast.Constant) or not isinstance(node.value, bool):
            raise ProgramError(f"{where} must be True or False", line, col)
        return node.value
    if kind == DTYPE:
        dotted = _dotted(node)
        if dotted is None or not dotted.startswith("tf.") or dotted[3:] not in DTYPE_NAMES:
            allowed = ", ".join(f"tf.{d}" for d in DTYPE_NAMES)
            raise ProgramError(f"{where} must be one of {allowed}", line, col)
        return dotted[3:]
    if kind == AXIS and isinstance(node, ast.Constant) and node.value is None:
        return None
    return _integers(kind, node, where)


def _integers(kind: str, node: ast.expr, where: str) -> Any:
    line, col = _where(node)
    single = not isinstance(node, (ast.List, ast.Tuple))
    if single and kind == PERM:
        raise ProgramError(f"{where} must be a list of whole numbers", line, col)
    items = [node] if single else node.elts
    values = [_whole(item, where) for item in items]
    if len(values) > MAX_RANK:
        raise ProgramError(f"{where} may list at most {MAX_RANK} dimensions", line, col)
    if kind == AXIS and any(abs(v) > MAX_RANK for v in values):
        raise ProgramError(f"{where} must be an axis between -{MAX_RANK} and {MAX_RANK}", line, col)
    if kind == SHAPE:
        if any(v < 0 for v in values):
            raise ProgramError(f"{where} must not have negative dimensions", line, col)
        if math.prod(values) > MAX_ELEMENTS:
            raise ProgramError(
                f"{where} asks for {math.prod(values):,} elements; at most {MAX_ELEMENTS:,} are allowed", line, col
            )
    return values[0] if single and kind == AXIS else tuple(values)


def _whole(node: ast.expr, where: str) -> int:
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if not isinstance(node, ast.Constant) or isinstance(node.value, bool) or not isinstance(node.value, int):
        raise ProgramError(f"{where} must be whole numbers written literally", *_where(node))
    if abs(node.value) > MAX_LITERAL:
        raise ProgramError(f"{where} is too large", *_where(node))
    return sign * node.value
