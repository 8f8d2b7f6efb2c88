"""A run's column values for the Compare filter: config fields with defaults, results, errors, missing values."""

from __future__ import annotations

from core.store.run_columns import COLUMNS, METRICS, run_values

RUN = {
    "id": 7,
    "name": "adam lr=0.1 #7",
    "status": "diverged",
    "sweep_id": None,
    "steps": 20,
    "final_w": 5.5,
    "final_b": 2.0,
    "final_loss": float("nan"),
    "final_step_loss": 3.0,
    "config": {"learning_rate": 0.1, "optimizer": "adam"},
}


def test_every_column_has_a_value_and_defaults_fill_what_an_older_run_did_not_record() -> None:
    values = run_values(RUN, converged=None)
    assert set(values) == set(COLUMNS) and set(METRICS) <= set(COLUMNS)
    assert values["learning_rate"] == 0.1 and values["optimizer"] == "adam" and values["w_target"] == 5.0
    assert values["w_error"] == 0.5 and values["b_error"] == 1.0 and values["sweep"] == ""
    assert values["final_loss"] is None and values["steps_to_converge"] is None  # NaN and never: no value
    assert run_values(RUN, converged=12)["steps_to_converge"] == 12
