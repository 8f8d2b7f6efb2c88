"""Every shown snippet, run standalone with TF in a subprocess, gives the values, gradients and errors it reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.syllabus.catalog import CARDS, run_card
from core.syllabus.tutorial_examples import EXAMPLES, run_example

CARD_CASES: list[tuple[str, dict[str, Any] | None]] = [(name, None) for name in CARDS]
CARD_CASES += [(name, preset) for name, card in CARDS.items() for preset in card.presets.values()]
CARD_CASES += [
    ("persistent", {"persistent": True}),
    ("control_flow", {"x": -1.0}),
    ("replaced", {"use_assign_add": True, "steps": 3}),
    ("integer", {"dtype": "float32"}),
    ("numpy_step", {"use_numpy": False}),
    ("stop_recording", {"stop": False}),
    ("stop_gradient", {"use_stop_gradient": False}),
    ("higher_order", {"power": 1}),
    ("custom_gradient", {"clip_norm": 1000.0}),
    ("watching", {"x": [float(i) for i in range(30)], "kind": "constant", "watch": True}),
]
EXAMPLE_CASES: list[tuple[str, dict[str, Any] | None]] = [(name, None) for name in EXAMPLES]
EXAMPLE_CASES += [
    ("second_call", {"persistent": True}),
    ("product", {"t1": [2, -1], "t2": [3, 4], "t2_kind": "constant"}),
    ("chain", {"t1_kind": "constant"}),
    ("product", {"t2": [1, 2]}),
]
CASES = [("card", name, inputs) for name, inputs in CARD_CASES] + [
    ("example", name, inputs) for name, inputs in EXAMPLE_CASES
]
IDS = [f"{kind}-{name}-{number}" for number, (kind, name, _) in enumerate(CASES)]
GRADIENT_LISTS = ("gradients", "gradients_again")
MARK = "@@results@@ "

# Appended to every snippet: the program's `results` global as JSON, tensors as lists, exceptions as type and message.
HARNESS = f"""

import json as _json


def _plain(value):
    if isinstance(value, BaseException):
        return {{"type": type(value).__name__, "message": str(value).strip()}}
    if hasattr(value, "numpy"):
        return value.numpy().tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


print({MARK!r} + _json.dumps({{name: _plain(value) for name, value in results.items()}}))
"""
# Runs each snippet file in turn in one interpreter (one TF import) and prints one JSON line per snippet.
DRIVER = f"""
import contextlib, io, json, runpy, sys

for path in sys.argv[1:]:
    printed = io.StringIO()
    outcome = {{"path": path, "results": None, "raised": None}}
    try:
        with contextlib.redirect_stdout(printed):
            runpy.run_path(path, run_name="__main__")
    except Exception as error:
        outcome["raised"] = {{"type": type(error).__name__, "message": str(error).strip()}}
    lines = printed.getvalue().splitlines()
    marked = [line[{len(MARK)}:] for line in lines if line.startswith({MARK!r})]
    outcome["results"] = json.loads(marked[0]) if marked else None
    outcome["printed"] = [line for line in lines if not line.startswith({MARK!r})]
    print(json.dumps(outcome), flush=True)
"""


def respond(kind: str, name: str, inputs: dict[str, Any] | None) -> dict[str, Any]:
    """The response the page shows for one case."""
    return run_card(name, inputs) if kind == "card" else run_example(name, inputs)


@pytest.fixture(scope="module")
def standalone(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every case's snippet, run as a standalone program in one fresh, isolated interpreter, by case id."""
    folder = tmp_path_factory.mktemp("shown_code")
    paths = []
    for case_id, (kind, name, inputs) in zip(IDS, CASES):
        path = folder / f"{case_id}.py"
        path.write_text(respond(kind, name, inputs)["code"] + HARNESS, encoding="utf-8")
        paths.append(str(path))
    driver = folder / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    ran = subprocess.run(
        [sys.executable, "-I", str(driver), *paths],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    outcomes = [json.loads(line) for line in ran.stdout.splitlines() if line.startswith("{")]
    return {Path(outcome["path"]).stem: outcome for outcome in outcomes}


def same(ours: Any, theirs: Any) -> bool:
    """Two plain results agree: equal strings, bools and Nones, close numbers, element by element."""
    if isinstance(ours, list) and isinstance(theirs, list):
        return len(ours) == len(theirs) and all(same(a, b) for a, b in zip(ours, theirs))
    if ours is None or theirs is None or isinstance(ours, str | bool | dict) or isinstance(theirs, str | bool | dict):
        return ours == theirs
    return bool(np.allclose(ours, theirs, rtol=1e-6, atol=0.0))


def check_card(response: dict[str, Any], results: dict[str, Any]) -> None:
    """Every value, gradient and caught error the card shows is what the snippet's results hold, and nothing more."""
    assert response["error"] is None and response["explanation"]
    shown = {**response["values"], **response["gradients"]}
    assert set(results) == set(shown) | set(response["errors"])
    for name, value in shown.items():
        assert same(results[name], value), name
    for name, error in response["errors"].items():
        assert results[name] == error, name


def check_example(response: dict[str, Any], results: dict[str, Any]) -> None:
    """The example's values, gradients, second-call gradients or caught TF error are the snippet's results."""
    values = {name: value for name, value in results.items() if name not in GRADIENT_LISTS}
    assert set(values) == set(response["values"])
    assert all(same(values[name], value) for name, value in response["values"].items())
    assert same(results["gradients"], list(response["gradients"].values()))
    again = results.get("gradients_again")
    if response["second_gradients"] is not None:
        assert same(again, list(response["second_gradients"].values()))
    else:
        assert again == response["error"]


@pytest.mark.parametrize(("case_id", "kind", "name", "inputs"), [(i, *case) for i, case in zip(IDS, CASES)], ids=IDS)
def test_the_shown_code_runs_standalone_and_gives_the_same_results(
    case_id: str, kind: str, name: str, inputs: dict[str, Any] | None, standalone: dict[str, dict[str, Any]]
) -> None:
    response = respond(kind, name, inputs)
    assert response["code"].startswith(("import tensorflow as tf", "import numpy as np"))
    outcome = standalone[case_id]
    if outcome["raised"] is not None:
        assert kind == "example" and outcome["raised"] == response["error"] and response["values"] == {}
        return
    results = outcome["results"]
    if kind == "card":
        check_card(response, results)
    else:
        check_example(response, results)
    printed = {line.split(": ", 1)[0] for line in outcome["printed"]}
    assert set(results) <= printed


def test_a_snippet_that_tf_refuses_raises_the_error_the_example_reports(
    standalone: dict[str, dict[str, Any]],
) -> None:
    outcome = standalone[IDS[-1]]
    assert outcome["raised"]["type"] == "InvalidArgumentError"
    assert "Incompatible shapes" in outcome["raised"]["message"]


def test_every_case_ran_and_every_card_and_example_is_covered(standalone: dict[str, dict[str, Any]]) -> None:
    assert set(standalone) == set(IDS)
    assert {name for kind, name, _ in CASES if kind == "card"} == set(CARDS)
    assert {name for kind, name, _ in CASES if kind == "example"} == set(EXAMPLES)
