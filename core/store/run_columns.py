"""The columns a run offers the Compare page's filter, colour key and ranking: its config fields and its results."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from core.regression.fields import FIELD_TABLE, FieldSpec

Kind = Literal["number", "text", "flag"]
CONVERGENCE = "steps_to_converge"  # the one column that needs the run's points (cached by the page)
RESULT_COLUMNS: dict[str, Kind] = {
    "id": "number",
    "name": "text",
    "status": "text",
    "sweep": "text",
    "steps": "number",
    "final_w": "number",
    "final_b": "number",
    "final_loss": "number",
    "final_step_loss": "number",
    CONVERGENCE: "number",
    "w_error": "number",
    "b_error": "number",
}
METRICS: tuple[str, ...] = ("final_loss", "final_step_loss", CONVERGENCE, "w_error", "b_error")  # lower is better
METRIC_HELP: dict[str, str] = {
    "final_loss": "the mean loss over all the data at the run's final w and b",
    "final_step_loss": "the loss the tape recorded at the run's last step",
    CONVERGENCE: "the first step from which w and b stay within 0.01 of their targets (none: never)",
    "w_error": "|final w − w*|",
    "b_error": "|final b − b*|",
}


def _kind(spec: FieldSpec) -> Kind:
    return "flag" if spec.kind is bool else "text" if spec.kind is str else "number"


CONFIG_COLUMNS: dict[str, Kind] = {spec.name: _kind(spec) for spec in FIELD_TABLE}
COLUMNS: dict[str, Kind] = {**CONFIG_COLUMNS, **RESULT_COLUMNS}
DEFAULTS: dict[str, Any] = {spec.name: spec.default for spec in FIELD_TABLE}


def run_values(run: Mapping[str, Any], converged: int | None = None) -> dict[str, Any]:
    """Every column's value for one stored run; None where it has none (a non-finite number is none too)."""
    config = run["config"]
    values: dict[str, Any] = {name: config.get(name, DEFAULTS[name]) for name in CONFIG_COLUMNS}
    values.update(
        id=run["id"],
        name=run["name"],
        status=run["status"],
        sweep=run.get("sweep_id") or "",
        steps=run["steps"],
        final_w=run["final_w"],
        final_b=run["final_b"],
        final_loss=run["final_loss"],
        final_step_loss=run.get("final_step_loss"),
        steps_to_converge=converged,
        w_error=_error(run["final_w"], values["w_target"]),
        b_error=_error(run["final_b"], values["b_target"]),
    )
    return {name: _none_if_not_finite(value) for name, value in values.items()}


def _error(final: float | None, target: float | None) -> float | None:
    return None if final is None or target is None else abs(float(final) - float(target))


def _none_if_not_finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
