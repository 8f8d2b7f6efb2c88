"""One-shot engine requests by name: GradientTape examples, syllabus cards, the playground, sweeps, exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def example(payload: dict[str, Any]) -> dict[str, Any]:
    """One of the tutorial's GradientTape examples: {"name": ..., "inputs": {...} | None}."""
    from core.syllabus.tutorial_examples import run_example

    return run_example(payload["name"], payload.get("inputs"))


def card_listing(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Every syllabus card's title, fields and presets, as plain data for the page to build its inputs."""
    from core.syllabus.catalog import card_listing as listing

    return listing()


def grad(payload: dict[str, Any]) -> dict[str, Any]:
    """The expression playground: the same request and response as ``python -m core grad``."""
    from core.tape.playground import run_grad_request

    return run_grad_request(payload)


def card(payload: dict[str, Any]) -> dict[str, Any]:
    """One syllabus card: {"name": ..., "inputs": {...} | None}."""
    from core.syllabus.catalog import run_card

    return run_card(payload["name"], payload.get("inputs"))


def sweep(payload: dict[str, Any]) -> dict[str, Any]:
    """Run a grid as one vectorised computation and save it: {"base", "values": {field: [...]}, "name", "db_path"}."""
    from core.sweep.saving import run_and_save_sweep

    return run_and_save_sweep(payload["base"], payload["values"], payload.get("name"), payload.get("db_path"))


def lr_find(payload: dict[str, Any]) -> dict[str, Any]:
    """The learning-rate range test: {"config": {...}, "dataset": a data set's payload or None}."""
    from core.regression.config import RegressionConfig
    from core.regression.dataset import Dataset
    from core.sweep.lr_range import find_learning_rate

    dataset = Dataset.from_payload(payload["dataset"]) if payload.get("dataset") else None
    return find_learning_rate(RegressionConfig.from_dict(payload["config"]), {dataset.hash: dataset} if dataset else {})


def inspect_run(payload: dict[str, Any]) -> dict[str, Any]:
    """One step of a stored run, replayed exactly: {"run_id", "step", "db_path", "samples": bool, "seen": [created_at,
    steps] or None}; with "samples", the data chart's samples too (core.store.stored_inspect)."""
    from core.store.stored_inspect import inspect_stored

    run_id, step, db_path = payload["run_id"], payload["step"], payload.get("db_path")
    return inspect_stored(run_id, step, db_path, bool(payload.get("samples")), payload.get("seen"))


def tensorboard(payload: dict[str, Any]) -> dict[str, Any]:
    """Write stored runs as TensorBoard event files: {"run_ids": [...], "logdir": path, "db_path": path}."""
    from core.store.tensorboard_saving import export_stored_runs

    return {"directories": export_stored_runs(payload["run_ids"], payload["logdir"], payload.get("db_path"))}


TASKS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "example": example,
    "grad": grad,
    "card": card,
    "card_listing": card_listing,
    "sweep": sweep,
    "lr_find": lr_find,
    "inspect_run": inspect_run,
    "tensorboard": tensorboard,
}

# Tasks that may run for minutes. They may hold all but one of the task engines, so the quick ones (examples,
# cards, the playground) always find one free unless several quick ones run at once.
LONG_TASKS = frozenset({"sweep", "tensorboard"})
