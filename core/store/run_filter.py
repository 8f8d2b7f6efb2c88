"""The Compare page's result filter: a small tokenizer and parser into a whitelisted tree, walked over run columns.

``parse_filter('final_loss < 1e-3 and optimizer == "adam"')`` returns a ``RunFilter`` whose ``matches(values)``
tests one run's column values (core.store.run_columns). Allowed: column names, numbers, "strings" or 'strings',
true and false, the comparisons < <= > >= == !=, and, or, not and parentheses. Nothing is ever evaluated as
Python: the text is split into tokens by hand, parsed by recursive descent, and every name is checked against the
columns. Anything else raises ``FilterError`` naming the token or the column, and the columns allowed.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.store.run_columns import COLUMNS, Kind

MAX_CHARS = 1000
MAX_DEPTH = 30
MAX_COMPARISONS = 100
COMPARISONS: dict[str, Any] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}
FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
ALLOWED = 'column names, numbers, "strings", true, false, the comparisons < <= > >= == !=, and, or, not and parentheses'
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
      | (?P<string>"[^"\\]*"|'[^'\\]*')
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op><=|>=|==|!=|<|>)
      | (?P<paren>[()])
      | (?P<minus>-)""",
    re.VERBOSE,
)


class FilterError(ValueError):
    """A filter expression that is not allowed; the message names the token or column and what is allowed."""


@dataclass(frozen=True)
class Token:
    """One piece of the expression and the character (1-based) it starts at."""

    kind: str
    text: str
    at: int


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind


@dataclass(frozen=True)
class Literal:
    value: float | str | bool
    kind: Kind


@dataclass(frozen=True)
class Comparison:
    left: Column | Literal
    op: str
    right: Column | Literal


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class AllOf:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Node, ...]


Node = Comparison | Not | AllOf | AnyOf


@dataclass(frozen=True)
class RunFilter:
    """A parsed filter: its tree, the columns it reads, and its text rebuilt from the tree."""

    tree: Node

    @property
    def columns(self) -> frozenset[str]:
        """The column names the filter reads."""
        return frozenset(_columns(self.tree))

    @property
    def text(self) -> str:
        """The expression as parsed, rebuilt from the tree (fully parenthesised where it matters)."""
        return _text(self.tree, top=True)

    def matches(self, values: Mapping[str, Any]) -> bool:
        """Whether one run's column values pass; a comparison with a missing value (None) is false."""
        return _matches(self.tree, values)


def parse_filter(text: str, columns: Mapping[str, Kind] = COLUMNS) -> RunFilter | None:
    """The filter that text spells over these columns; None for blank text; FilterError if it is not allowed."""
    if not isinstance(text, str):
        raise FilterError(f"a filter must be text, not {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise FilterError(f"the filter is {len(text):,} characters long; at most {MAX_CHARS:,} are allowed")
    tokens = tokenize(text)
    if not tokens:
        return None
    return RunFilter(_Parser(tokens, columns).parse())


def tokenize(text: str) -> list[Token]:
    """The expression's tokens; FilterError at the first character that starts none."""
    tokens, position = [], 0
    while position < len(text):
        found = _TOKEN.match(text, position)
        if found is None:
            raise FilterError(
                f"{text[position]!r} at character {position + 1} is not allowed; a filter may use {ALLOWED}"
            )
        if found.lastgroup != "space":
            tokens.append(Token(found.lastgroup, found.group(), position + 1))
        position = found.end()
    return tokens


class _Parser:
    """Recursive descent: or-terms of and-terms of (not) comparisons or parenthesised expressions."""

    def __init__(self, tokens: list[Token], columns: Mapping[str, Kind]) -> None:
        self.tokens = tokens
        self.columns = columns
        self.index = 0
        self.depth = 0
        self.comparisons = 0

    def parse(self) -> Node:
        tree = self._any_of()
        if self.index < len(self.tokens):
            token = self.tokens[self.index]
            raise FilterError(f"unexpected {token.text!r} at character {token.at}: expected and, or or the end")
        return tree

    def _peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _is_word(self, word: str) -> bool:
        token = self._peek()
        return token is not None and token.kind == "name" and token.text == word

    def _any_of(self) -> Node:
        items = [self._all_of()]
        while self._is_word("or"):
            self.index += 1
            items.append(self._all_of())
        return items[0] if len(items) == 1 else AnyOf(tuple(items))

    def _all_of(self) -> Node:
        items = [self._negation()]
        while self._is_word("and"):
            self.index += 1
            items.append(self._negation())
        return items[0] if len(items) == 1 else AllOf(tuple(items))

    def _negation(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FilterError(f"the filter nests deeper than {MAX_DEPTH} levels of not and parentheses")
        try:
            if self._is_word("not"):
                self.index += 1
                return Not(self._negation())
            token = self._peek()
            if token is not None and token.text == "(":
                self.index += 1
                inner = self._any_of()
                closing = self._peek()
                if closing is None or closing.text != ")":
                    raise FilterError(f"the '(' at character {token.at} is never closed: add ')'")
                self.index += 1
                return inner
            return self._comparison()
        finally:
            self.depth -= 1

    def _comparison(self) -> Comparison:
        left = self._operand()
        token = self._peek()
        if token is None or token.kind != "op":
            where = "the end" if token is None else f"{token.text!r} at character {token.at}"
            first = left.name if isinstance(left, Column) else _literal_text(left)
            raise FilterError(f"expected a comparison (< <= > >= == !=) after {first!r}, found {where}")
        self.index += 1
        right = self._operand()
        self.comparisons += 1
        if self.comparisons > MAX_COMPARISONS:
            raise FilterError(f"the filter has more than {MAX_COMPARISONS} comparisons")
        return _checked(left, token, right)

    def _operand(self) -> Column | Literal:
        token = self._peek()
        if token is None:
            raise FilterError(f"the filter ends early: expected a column or a value; a filter may use {ALLOWED}")
        self.index += 1
        if token.kind == "minus":
            number = self._peek()
            if number is None or number.kind != "number":
                raise FilterError(f"'-' at character {token.at} must be followed by a number")
            self.index += 1
            return Literal(-_number(number), "number")
        if token.kind == "number":
            return Literal(_number(token), "number")
        if token.kind == "string":
            return Literal(token.text[1:-1], "text")
        if token.kind == "name" and token.text in ("true", "false"):
            return Literal(token.text == "true", "flag")
        if token.kind == "name" and token.text not in KEYWORDS:
            if token.text not in self.columns:
                raise FilterError(_unknown_column(token, self.columns))
            return Column(token.text, self.columns[token.text])
        raise FilterError(
            f"unexpected {token.text!r} at character {token.at}: expected a column or a value; "
            f"a filter may use {ALLOWED}"
        )


def _number(token: Token) -> float:
    value = float(token.text)
    if not math.isfinite(value):
        raise FilterError(f"the number {token.text!r} at character {token.at} is too large")
    return value


def _unknown_column(token: Token, columns: Mapping[str, Kind]) -> str:
    close = difflib.get_close_matches(token.text, list(columns), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return (
        f"unknown column {token.text!r} at character {token.at}{hint}; columns allowed: {', '.join(columns)}; "
        'put text values in quotes, e.g. optimizer == "adam"'
    )


def _checked(left: Column | Literal, op_token: Token, right: Column | Literal) -> Comparison:
    """A comparison of a column with a value (or another column) of the same kind; < and > only for numbers."""
    op = op_token.text
    if isinstance(left, Literal) and isinstance(right, Literal):
        raise FilterError(f"the comparison at character {op_token.at} has no column: compare a column with a value")
    if left.kind != right.kind:
        column = left if isinstance(left, Column) else right
        other = right if column is left else left
        wanted = {"number": "a number", "text": 'a quoted text such as "adam"', "flag": "true or false"}[column.kind]
        found = other.name if isinstance(other, Column) else _literal_text(other)
        raise FilterError(f"{column.name} holds {column.kind} values: compare it with {wanted}, not {found}")
    if left.kind != "number" and op not in ("==", "!="):
        raise FilterError(f"{op!r} at character {op_token.at} compares numbers only; use == or != for {left.kind}")
    if isinstance(left, Literal):  # 1e-3 > final_loss reads as final_loss < 1e-3
        left, op, right = right, FLIPPED[op], left
    return Comparison(left, op, right)


def _columns(node: Node) -> list[str]:
    if isinstance(node, Comparison):
        return [side.name for side in (node.left, node.right) if isinstance(side, Column)]
    if isinstance(node, Not):
        return _columns(node.item)
    return [name for item in node.items for name in _columns(item)]


def _value(side: Column | Literal, values: Mapping[str, Any]) -> Any:
    return values.get(side.name) if isinstance(side, Column) else side.value


def _matches(node: Node, values: Mapping[str, Any]) -> bool:
    if isinstance(node, Comparison):
        left, right = _value(node.left, values), _value(node.right, values)
        if left is None or right is None:
            return False
        try:
            return bool(COMPARISONS[node.op](left, right))
        except TypeError:  # a stored config value of another type than its column's: no match
            return False
    if isinstance(node, Not):
        return not _matches(node.item, values)
    if isinstance(node, AllOf):
        return all(_matches(item, values) for item in node.items)
    return any(_matches(item, values) for item in node.items)


def _literal_text(literal: Literal) -> str:
    if literal.kind == "flag":
        return "true" if literal.value else "false"
    if literal.kind == "text":
        quote = "'" if '"' in str(literal.value) else '"'
        return f"{quote}{literal.value}{quote}"
    return repr(float(literal.value))


def _text(node: Node, top: bool = False) -> str:
    if isinstance(node, Comparison):
        sides = [side.name if isinstance(side, Column) else _literal_text(side) for side in (node.left, node.right)]
        return f"{sides[0]} {node.op} {sides[1]}"
    if isinstance(node, Not):
        return f"not {_text(node.item)}"
    joined = f" {'and' if isinstance(node, AllOf) else 'or'} ".join(_text(item) for item in node.items)
    return joined if top else f"({joined})"
