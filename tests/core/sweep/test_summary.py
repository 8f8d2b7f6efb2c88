"""core.sweep.summary: sweep tables, cell means, seed groups and seed bands."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.regression.config import RegressionConfig
from core.sweep.summary import cell_means, seed_band, seed_groups, sweep_frame


def run(run_id: int, loss: float, status: str = "done", **config: object) -> dict:
    config_dict = RegressionConfig(**config).to_dict()
    return {"id": run_id, "name": f"r{run_id}", "status": status, "config": config_dict, "final_loss": loss}


RUNS = [
    run(1, 1.0, learning_rate=0.1, seed=0),
    run(2, 3.0, learning_rate=0.1, seed=1),
    run(3, 10.0, learning_rate=0.2, seed=0),
    run(4, 99.0, "diverged", learning_rate=0.2, seed=1),
]


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
