"""The code a lesson shows: its imports, the source of its helpers and itself, and a call with the inputs."""

from __future__ import annotations

import builtins
import dis
import functools
import inspect
import types
from collections.abc import Callable
from typing import Any

IMPORTS: dict[str, str] = {"np": "import numpy as np", "tf": "import tensorflow as tf"}
ALWAYS_IMPORTED = ("tf",)
CALL_WIDTH = 100
PRINTS = 'for name, value in results.items():\n    print(f"{name}: {value}")\n'


class LessonSourceError(ValueError):
    """A lesson uses a module-level name that its shown code would not define."""


def global_names(function: Callable[..., Any]) -> list[str]:
    """Every global name the function's code, and any function nested in it, loads, in order of first use."""
    names: list[str] = []
    codes = [inspect.unwrap(function).__code__]
    while codes:
        code = codes.pop(0)
        for instruction in dis.get_instructions(code):
            if instruction.opname == "LOAD_GLOBAL" and instruction.argval not in names:
                names.append(instruction.argval)
        codes += [constant for constant in code.co_consts if isinstance(constant, types.CodeType)]
    return names


def shown_functions(lesson: Callable[..., Any]) -> list[Callable[..., Any]]:
    """The module functions the lesson calls (each one's own helpers first), then the lesson itself."""
    ordered: list[Callable[..., Any]] = []
    _visit(lesson, ordered, set())
    return ordered


def _visit(function: Callable[..., Any], ordered: list[Callable[..., Any]], seen: set[int]) -> None:
    if id(function) in seen:
        return
    seen.add(id(function))
    home = inspect.unwrap(function)
    for name in global_names(function):
        if name in IMPORTS or (name not in home.__globals__ and hasattr(builtins, name)):
            continue
        helper = home.__globals__.get(name)
        if not _is_module_function(helper, home.__module__):
            raise LessonSourceError(f"{home.__qualname__} uses {name!r}, which its shown code would not define")
        _visit(helper, ordered, seen)
    ordered.append(function)


def _is_module_function(value: Any, module: str) -> bool:
    target = inspect.unwrap(value) if callable(value) else value
    return inspect.isfunction(target) and target.__module__ == module and "<locals>" not in target.__qualname__


@functools.cache
def lesson_source(lesson: Callable[..., Any]) -> str:
    """The imports the lesson needs, then the source of its helpers and of the lesson, as they are in the file."""
    functions = shown_functions(lesson)
    used = {name for function in functions for name in global_names(function)}
    imports = [line for name, line in IMPORTS.items() if name in used or name in ALWAYS_IMPORTED]
    return "\n".join(imports) + "\n\n\n" + "\n\n".join(inspect.getsource(function) for function in functions)


def call_line(lesson: Callable[..., Any], inputs: dict[str, Any]) -> str:
    """`results = lesson(name=value, ...)` with every input as a Python literal, one per line when it is long."""
    arguments = [f"{name}={value!r}" for name, value in inputs.items()]
    line = f"results = {lesson.__name__}({', '.join(arguments)})"
    if len(line) <= CALL_WIDTH:
        return line
    return f"results = {lesson.__name__}(\n" + "".join(f"    {argument},\n" for argument in arguments) + ")"


def program(lesson: Callable[..., Any], inputs: dict[str, Any]) -> str:
    """A standalone program: the lesson's source, a call with these inputs, and a print of every result."""
    return f"{lesson_source(lesson)}\n\n{call_line(lesson, inputs)}\n{PRINTS}"
