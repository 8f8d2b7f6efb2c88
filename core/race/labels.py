"""Short lane labels made from what a lane changes ("adam", "lr 0.1", "batch full"), and the lanes' colours."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.regression.config import RegressionConfig
from core.regression.fields import FULL_BATCH, short_name
from core.regression.value_text import display_text

NAMED_BY_VALUE = frozenset({"optimizer", "loss"})  # fields whose value alone says what the lane is
MAX_LABEL_LENGTH = 24
LANE_COLOURS: tuple[str, ...] = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#17becf",
    "#e377c2",
    "#8c564b",
)


def part_text(field: str, value: Any, n_samples: int) -> str:
    """One overridden field as a label part: the value for optimizer and loss, else "short value"."""
    if field in NAMED_BY_VALUE:
        return str(value)
    shown = FULL_BATCH if field == "batch_size" and value == n_samples else display_text(value)
    return f"{short_name(field)} {shown}"


def lane_label(overrides: Mapping[str, Any], base: RegressionConfig) -> str:
    """The label a lane gets from its overrides of base; a lane that changes nothing is named by its optimizer."""
    if not overrides:
        return base.optimizer
    order = sorted(overrides, key=lambda field: field not in NAMED_BY_VALUE)  # "adam, lr 0.1"
    parts = (part_text(field, overrides[field], base.n_samples) for field in order)
    return ", ".join(parts)[:MAX_LABEL_LENGTH]


def clean_label(text: Any) -> str:
    """A user's label trimmed to one short line (empty when nothing usable is left)."""
    return " ".join(str(text).split())[:MAX_LABEL_LENGTH]


def unique_labels(labels: list[str]) -> list[str]:
    """The labels with repeats numbered ("sgd", "sgd 2"), so every lane's chart traces stay apart."""
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} {seen[label]}")
    return unique


def lane_colour(index: int) -> str:
    """The colour of the lane at index."""
    return LANE_COLOURS[index % len(LANE_COLOURS)]
