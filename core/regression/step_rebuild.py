"""Train a stored run again from its final config and its mid-run changes, so any of its steps can be inspected."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from core.regression.config import ConfigError, RegressionConfig


def initial_config(config: RegressionConfig, events: list[dict[str, Any]]) -> RegressionConfig:
    """The settings a run started with: its final config with every mid-run change undone, newest first."""
    for event in reversed(events):
        config = config.replace(**{event["field"]: event["old"]})
    return config


def rebuild(config: RegressionConfig, events: list[dict[str, Any]], steps: int, backend: str = "compiled") -> Any:
    """A Trainer that ran the stored run's steps again, applying each change at the step it was made."""
    from core.regression.trainer import Trainer

    if getattr(config, "data_source", "synthetic") != "synthetic":
        raise ConfigError("data_source", config.data_source, "a run on uploaded data cannot be replayed here")
    trainer = Trainer(initial_config(config, events), backend=backend)
    for step, changes in groupby(sorted(events, key=lambda event: event["step"]), key=lambda event: event["step"]):
        trainer.advance(step - trainer.steps_done)
        trainer.update(**{event["field"]: event["new"] for event in changes})
    trainer.advance(steps - trainer.steps_done)
    return trainer
