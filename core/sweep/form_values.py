"""The sweep form's inputs as sweep values: comma lists parsed and the grid checked, without TensorFlow."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import Any

from core.cli.args import listing, number, whole
from core.cli.sweep import batch_size
from core.regression.config import ConfigError, RegressionConfig
from core.sweep.grid import check_sweep, grid

LIST_FIELDS: dict[str, Callable[[str], Any]] = {
    "learning_rate": number,
    "batch_size": batch_size,
    "epochs": whole,
    "n_samples": whole,
    "noise_std": number,
    "seed": whole,
}
EXAMPLES: dict[str, str] = {
    "learning_rate": "0.001,0.01,0.1",
    "batch_size": "1,32,full",
    "epochs": "1,2,5",
    "n_samples": "100,1000",
    "noise_std": "0,0.5",
    "seed": "0,1,2",
}


def parse_list(field: str, text: str) -> list:
    """A comma list for field, e.g. "0.001, 0.01" → [0.001, 0.01]; ConfigError naming the field otherwise."""
    if field not in LIST_FIELDS:
        raise ConfigError(field, text, f"is not a field swept by comma list; those are {', '.join(LIST_FIELDS)}")
    try:
        return listing(LIST_FIELDS[field])(text)
    except argparse.ArgumentTypeError as error:
        raise ConfigError(field, text, f"{error}; give a comma list such as {EXAMPLES[field]}") from None


def sweep_values(texts: Mapping[str, str], choices: Mapping[str, list[str]]) -> dict[str, list]:
    """The swept fields and values: non-blank comma lists and non-empty choices (at least one is needed)."""
    values = {field: parse_list(field, text) for field, text in texts.items() if text.strip()}
    values.update({field: list(options) for field, options in choices.items() if options})
    if not values:
        raise ConfigError("sweep", "", "choose at least one field to sweep: a comma list or some choices")
    return values


def plan_sweep(base: RegressionConfig, values: Mapping[str, list]) -> list[RegressionConfig]:
    """Every config of the sweep, checked against the field ranges and the sweep's size limits."""
    configs = grid(base, **dict(values))
    check_sweep(configs)
    return configs
