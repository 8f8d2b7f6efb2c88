"""The sweep form's inputs as sweep values: comma lists parsed and the grid checked, without TensorFlow."""

from __future__ import annotations

from collections.abc import Mapping

from core.regression.config import ConfigError, RegressionConfig
from core.regression.fields import SWEEP_FORM
from core.regression.value_text import ValueTextError, parse_list
from core.sweep.grid import check_sweep, grid

LIST_EXAMPLES: dict[str, str] = {spec.name: spec.sweep_example for spec in SWEEP_FORM if spec.sweep == "list"}


def parse_form_list(field: str, text: str) -> list:
    """A comma list for field, e.g. "0.001, 0.01" → [0.001, 0.01]; ConfigError naming the field otherwise."""
    if field not in LIST_EXAMPLES:
        raise ConfigError(field, text, f"is not a field swept by comma list; those are {', '.join(LIST_EXAMPLES)}")
    try:
        return parse_list(field, text)
    except ValueTextError as error:
        raise ConfigError(field, text, f"{error}; give a comma list such as {LIST_EXAMPLES[field]}") from None


def sweep_values(texts: Mapping[str, str], choices: Mapping[str, list[str]]) -> dict[str, list]:
    """The swept fields and values: non-blank comma lists and non-empty choices (at least one is needed)."""
    values = {field: parse_form_list(field, text) for field, text in texts.items() if text.strip()}
    values.update({field: list(options) for field, options in choices.items() if options})
    if not values:
        raise ConfigError("sweep", "", "choose at least one field to sweep: a comma list or some choices")
    return values


def plan_sweep(base: RegressionConfig, values: Mapping[str, list]) -> list[RegressionConfig]:
    """Every config of the sweep, checked against the field ranges and the sweep's size limits."""
    configs = grid(base, **dict(values))
    check_sweep(configs)
    return configs
