"""Train a stored run again from its final config and its mid-run changes, so any of its steps can be inspected."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from core.regression.config import RegressionConfig
from core.regression.dataset import Datasets


def initial_config(config: RegressionConfig, events: list[dict[str, Any]]) -> RegressionConfig:
    """The settings a run started with: its final config with every mid-run change undone, newest first."""
    for event in reversed(events):
        config = config.replace(**{event["field"]: event["old"]})
    return config


def data_hashes(config: RegressionConfig, events: list[dict[str, Any]]) -> set[str]:
    """Every uploaded data set the run trained on: its config's and those its changes named (uploaded data only)."""
    named = {config.data_hash} | {
        event[side] for event in events if event["field"] == "data_hash" for side in ("old", "new")
    }
    return {str(value) for value in named if value}


def rebuild(
    config: RegressionConfig,
    events: list[dict[str, Any]],
    steps: int,
    backend: str = "compiled",
    datasets: Datasets | None = None,
) -> Any:
    """A Trainer that ran the stored run's steps again, applying each change at the step it was made.

    Generated data (every source but csv) is drawn again from the config; uploaded data comes in datasets, by hash.
    """
    from core.regression.trainer import Trainer

    trainer = Trainer(initial_config(config, events), backend=backend, datasets=datasets)
    for step, changes in groupby(sorted(events, key=lambda event: event["step"]), key=lambda event: event["step"]):
        trainer.advance(step - trainer.steps_done)
        trainer.update(**{event["field"]: event["new"] for event in changes})
    trainer.advance(steps - trainer.steps_done)
    return trainer
