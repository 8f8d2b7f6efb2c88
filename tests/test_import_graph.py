"""The house rules read off the import graph with ast (nothing is imported): no cycles, CLI modules are leaves."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "ui")


def module_name(path: Path) -> str:
    """core/regression/config.py → core.regression.config; a package's __init__ is the package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module under core/ and ui/ by dotted name."""
    return {module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def imported_names(tree: ast.AST) -> Iterator[str]:
    """Every absolute module name an import statement mentions, at any depth (lazy imports count too)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def import_graph(known: dict[str, Path]) -> dict[str, set[str]]:
    """Module → the project modules it imports (a name is cut back to the longest known module)."""
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        targets = set()
        for target in imported_names(ast.parse(path.read_text(encoding="utf-8"))):
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                targets.add(target)
        graph[name] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path that returns to its start, or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node) :] + [node]
        if node in done:
            return None
        for target in sorted(graph[node]):
            cycle = visit(target, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for node in sorted(graph):
        cycle = visit(node, [])
        if cycle:
            return cycle
    return None


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(modules())


def test_the_graph_is_read_from_the_code(graph: dict[str, set[str]]) -> None:
    assert "core.regression.config" in graph["core.regression.trainer"]
    assert "core.cli.args" in graph["core.cli.train"]


def test_there_is_no_import_cycle(graph: dict[str, set[str]]) -> None:
    assert find_cycle(graph) is None


def wing(module: str) -> str:
    """The sub-package a module lives in: core.regression, ui.live; shared modules of ui/ are the wing "ui"."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 or parts[0] == "core" else parts[0]


def test_the_wings_import_one_way_too(graph: dict[str, set[str]]) -> None:
    wings: dict[str, set[str]] = {}
    for module, targets in graph.items():
        edges = wings.setdefault(wing(module), set())
        edges.update(wing(target) for target in targets if wing(target) != wing(module))
    for target in {target for targets in wings.values() for target in targets}:
        wings.setdefault(target, set())
    assert "core.regression" in wings["core.store"]
    assert find_cycle(wings) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_only_the_cli_imports_the_cli(graph: dict[str, set[str]]) -> None:
    outside = {
        module: sorted(target for target in targets if target == "core.cli" or target.startswith("core.cli."))
        for module, targets in graph.items()
        if not (module == "core.cli" or module.startswith("core.cli.") or module == "core.__main__")
    }
    assert {module: targets for module, targets in outside.items() if targets} == {}


def test_core_never_imports_streamlit_and_ui_never_imports_tensorflow() -> None:
    for name, path in modules().items():
        roots = {target.partition(".")[0] for target in imported_names(ast.parse(path.read_text(encoding="utf-8")))}
        if name.startswith("core"):
            assert "streamlit" not in roots, name
        else:
            assert not roots & {"tensorflow", "keras"}, name


def test_no_two_modules_share_a_file_name() -> None:
    names = [path.name for path in modules().values() if path.name != "__init__.py"]
    assert sorted(name for name in set(names) if names.count(name) > 1) == []


def test_no_package_init_does_work() -> None:
    for name, path in modules().items():
        if path.name == "__init__.py":
            body = ast.parse(path.read_text(encoding="utf-8")).body
            assert all(isinstance(node, ast.Expr) for node in body), f"{name}/__init__.py should hold only a docstring"
