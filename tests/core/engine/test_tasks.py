"""core.engine.tasks: every one-shot task name dispatches to its library function and returns plain JSON data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.engine.tasks import TASKS
from core.store.run_store import RunStore


def plain(result: Any) -> Any:
    """The result, after checking that it survives a strict JSON round trip unchanged."""
    assert json.loads(json.dumps(result, allow_nan=False)) == result
    return result


def test_the_table_names_every_task() -> None:
    assert sorted(TASKS) == [
        "card",
        "card_listing",
        "example",
        "grad",
        "inspect_run",
        "lr_find",
        "sweep",
        "tensorboard",
    ]


def test_example_card_and_listing() -> None:
    assert plain(TASKS["example"]({"name": "chain"}))["gradients"]["t2"] == [2.0, 3.0, 4.0]
    assert TASKS["example"]({"name": "chain", "inputs": None})["gradients"]["t2"] == [2.0, 3.0, 4.0]
    listing = plain(TASKS["card_listing"]({}))
    names = [card["name"] for card in listing]
    assert len(names) == len(set(names)) > 0 and {"defaults", "fields", "presets"} <= set(listing[0])
    card = plain(TASKS["card"]({"name": names[0]}))
    assert card["name"] == names[0] and card["error"] is None and card["inputs"] == listing[0]["defaults"]
    assert TASKS["card"]({"name": "no such card"})["error"]["type"] == "CardInputError"


def test_grad_runs_the_playground_request() -> None:
    request = {"inputs": {"x": {"value": [3.0]}}, "program": "y = x * x", "calls": [{"target": "y", "sources": ["x"]}]}
    response = plain(TASKS["grad"](request))
    assert response["error"] is None and response["calls"][0]["gradients"] == {"x": [6.0]}


def test_sweep_saves_its_runs_and_tensorboard_exports_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAPESTREAM_LOGDIR", str(tmp_path))  # exports must stay inside the log root
    db = str(tmp_path / "runs.sqlite3")
    payload = {
        "base": {"n_samples": 20, "epochs": 1},
        "values": {"learning_rate": [0.1, 0.2]},
        "name": "t",
        "db_path": db,
    }
    result = TASKS["sweep"](payload)
    plain({key: result[key] for key in ("sweep_id", "run_ids")})
    assert isinstance(result["seconds"], float)
    with RunStore(db) as store:
        runs = [store.get_run(run_id) for run_id in result["run_ids"]]
    assert [run["config"]["learning_rate"] for run in runs] == [0.1, 0.2]
    assert {run["sweep_id"] for run in runs} == {result["sweep_id"]} and all(run["steps"] == 20 for run in runs)
    exported = plain(
        TASKS["tensorboard"]({"run_ids": result["run_ids"], "logdir": str(tmp_path / "tb"), "db_path": db})
    )
    assert len(exported["directories"]) == 2
    assert all(any(Path(directory).glob("events.out.tfevents.*")) for directory in exported["directories"])
