"""core.sweep.summary and core.sweep.form_values: sweep tables, cell means, seed bands, and the form's comma lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.regression.config import ConfigError, RegressionConfig
from core.sweep.form_values import parse_form_list, plan_sweep, sweep_values
from core.sweep.summary import cell_means, seed_band, seed_groups, sweep_frame


def run(run_id: int, loss: float, status: str = "done", **config: object) -> dict:
    return {"id": run_id, "name": f"r{run_id}", "status": status, "config": RegressionConfig(**config).to_dict(),
            "final_loss": loss}  # fmt: skip


RUNS = [
    run(1, 1.0, learning_rate=0.1, seed=0), run(2, 3.0, learning_rate=0.1, seed=1),
    run(3, 10.0, learning_rate=0.2, seed=0), run(4, 99.0, "diverged", learning_rate=0.2, seed=1),
]  # fmt: skip


def test_sweep_frame_and_cell_means() -> None:
    frame, fields = sweep_frame(RUNS, {1: 5, 2: None, 3: 7, 4: None})
    assert fields == ["seed", "learning_rate"]
    assert np.isnan(frame.loc[3, "final loss"])  # a diverged run has no final loss to compare
    cells = cell_means(frame, "learning_rate", None, "final loss")
    assert cells.columns.tolist() == ["0.1", "0.2"] and cells.to_numpy().tolist() == [[2.0, 10.0]]
    grid = cell_means(frame, "learning_rate", "seed", "steps to converge")
    assert grid.index.tolist() == ["0", "1"] and grid.loc["0"].tolist() == [5.0, 7.0]


def test_seed_groups_and_bands() -> None:
    groups = seed_groups(RUNS)
    assert [(label, [r["id"] for r in members]) for label, members in groups] == [
        ("lr=0.1", [1, 2]),
        ("lr=0.2", [3, 4]),
    ]
    short = pd.DataFrame({"step": [0, 5], "w": [0.0, 5.0]})
    long = pd.DataFrame({"step": [0, 10], "w": [2.0, 12.0]})
    band = seed_band([short, long], "w", n_points=11)
    assert band["step"].tolist() == list(range(11))
    assert band["mean"][0] == 1.0 and band["std"][0] == 1.0 and band["mean"][10] == 12.0 and band["std"][10] == 0.0


def test_form_lists_are_parsed_and_bad_ones_name_the_field() -> None:
    assert parse_form_list("learning_rate", " 0.001, 0.01 ,") == [0.001, 0.01]
    assert parse_form_list("batch_size", "1,full") == [1, "full"]
    with pytest.raises(ConfigError, match=r"seed='0,x' is not allowed: 'x' is not a whole number; .* 0,1,2"):
        parse_form_list("seed", "0,x")
    values = sweep_values({"learning_rate": "0.1,0.2", "seed": " "}, {"optimizer": ["adam"], "loss": []})
    assert values == {"learning_rate": [0.1, 0.2], "optimizer": ["adam"]}
    with pytest.raises(ConfigError, match="choose at least one field"):
        sweep_values({"seed": ""}, {"optimizer": []})
    assert len(plan_sweep(RegressionConfig(n_samples=10), {"batch_size": [1, "full"]})) == 2
    with pytest.raises(ConfigError, match="batch_size=20 is not allowed"):
        plan_sweep(RegressionConfig(n_samples=10), {"batch_size": [20]})
