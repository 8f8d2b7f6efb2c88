"""The whitelisted program tree the parser builds (names, literals, operators, calls, assignments) and its error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.tape.functions import Shape


class ProgramError(Exception):
    """A refused program: what is wrong and where (1-based line and column; None when it has no place)."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}, col {self.col}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: {"type", "message", "line", "col"}."""
        return {"type": type(self).__name__, "message": self.message, "line": self.line, "col": self.col}


@dataclass(frozen=True)
class Name:
    """A tensor named by an input or an earlier assignment."""

    id: str
    shape: Shape | None
    line: int
    col: int


@dataclass(frozen=True)
class Literal:
    """A number or a (nested) tuple of numbers, as written."""

    value: Any
    shape: Shape
    is_float: bool
    line: int
    col: int


@dataclass(frozen=True)
class BinOp:
    """left op right, for op in + - * / ** @."""

    op: str
    left: Expr
    right: Expr
    shape: Shape | None
    line: int
    col: int


@dataclass(frozen=True)
class UnaryOp:
    """-operand (unary + is folded into number literals and refused on tensors, as TF refuses it)."""

    op: str
    operand: Expr
    shape: Shape | None
    line: int
    col: int


@dataclass(frozen=True)
class Call:
    """A call of a whitelisted TF function: tensor arguments plus literal options, keyed by TF's parameter names."""

    function: str
    spelled: str
    args: tuple[tuple[str, Expr], ...]
    options: tuple[tuple[str, Any], ...]
    shape: Shape | None
    line: int
    col: int


Expr = Name | Literal | BinOp | UnaryOp | Call


@dataclass(frozen=True)
class Assign:
    """target = value, one statement of the program; text is the parsed statement (ast.unparse), one line."""

    target: str
    value: Expr
    text: str
    line: int
    col: int


@dataclass(frozen=True)
class Program:
    """A parsed program: its statements, its source and the static shape of every name at the end."""

    statements: tuple[Assign, ...]
    source: str
    shapes: dict[str, Shape | None]
