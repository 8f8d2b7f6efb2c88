"""What a race is made of, as plain data: a base config and each lane's overrides, label and backend (no TF)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.race.labels import clean_label, lane_label, unique_labels
from core.race.lane_fields import LANE_FIELDS, MAX_LANES, SHARED_FIELDS
from core.regression.config import ConfigError, RegressionConfig
from core.regression.fields import BACKEND_NAMES, DEFAULT_BACKEND


@dataclass(frozen=True)
class LaneSpec:
    """One lane: the lane fields it sets apart from the base, its label ("" = made from the overrides), backend."""

    overrides: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    backend: str = DEFAULT_BACKEND

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the engine, the URL and the store."""
        return {"overrides": dict(self.overrides), "label": self.label, "backend": self.backend}

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> LaneSpec:
        """The inverse of to_dict; bad keys raise ConfigError."""
        if not isinstance(values, Mapping) or set(values) - {"overrides", "label", "backend"}:
            raise ConfigError("lane", values, "must be an object with overrides, label and backend")
        overrides = values.get("overrides", {})
        if not isinstance(overrides, Mapping):
            raise ConfigError("lane overrides", overrides, "must be an object of field: value")
        return cls(dict(overrides), clean_label(values.get("label", "")), values.get("backend", DEFAULT_BACKEND))


def check_overrides(overrides: Mapping[str, Any]) -> None:
    """Only lane fields may differ from lane to lane; the data is shared."""
    for name in overrides:
        if name in SHARED_FIELDS:
            raise ConfigError(name, overrides[name], "is shared by every lane; change it in the sidebar")
        if name not in LANE_FIELDS:
            raise ConfigError(name, overrides[name], f"must be one of the lane fields {', '.join(LANE_FIELDS)}")


def lane_config(base: RegressionConfig, spec: LaneSpec) -> RegressionConfig:
    """The config a lane trains with; a bad override raises ConfigError naming it."""
    check_overrides(spec.overrides)
    if spec.backend not in BACKEND_NAMES:
        raise ConfigError("backend", spec.backend, f"must be one of {', '.join(BACKEND_NAMES)}")
    return base.replace(**spec.overrides)


def check_specs(base: RegressionConfig, specs: list[LaneSpec]) -> list[RegressionConfig]:
    """Every lane's config, checked: 1 to MAX_LANES lanes, each valid."""
    if not 1 <= len(specs) <= MAX_LANES:
        raise ConfigError("lanes", len(specs), f"must be 1 to {MAX_LANES} lanes")
    return [lane_config(base, spec) for spec in specs]


def net_overrides(base: RegressionConfig, config: RegressionConfig) -> dict[str, Any]:
    """The lane fields in which config differs from base, in field-table order."""
    return {name: getattr(config, name) for name in LANE_FIELDS if getattr(config, name) != getattr(base, name)}


def lane_labels(base: RegressionConfig, specs: list[LaneSpec]) -> list[str]:
    """Each lane's shown label: its own, or one made from its overrides; repeats are numbered."""
    return unique_labels([spec.label or lane_label(spec.overrides, base) for spec in specs])
