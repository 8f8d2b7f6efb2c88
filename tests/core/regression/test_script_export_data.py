"""Exported scripts on every data source: generated data is drawn alike; own data is embedded or a companion CSV."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.regression.config import RegressionConfig
from core.regression.dataset import Dataset
from core.regression.script_export import (
    MAX_EMBEDDED_ROWS,
    companion_csv,
    companion_name,
    export_script,
    needs_companion,
)
from core.regression.trainer import Trainer


def own_data(rows: int) -> Dataset:
    rng = np.random.default_rng(rows)
    x = rng.uniform(-1, 1, rows)
    return Dataset.of(x, 0.7 * x + 0.2 + rng.normal(0, 0.3, rows), "dose", "effect", "trial.csv")


def run_script(tmp_path: Path, trainer: Trainer, dataset: Dataset | None = None) -> pd.DataFrame:
    script = tmp_path / "run.py"
    script.write_text(export_script(trainer.initial_config, trainer.events, trainer.steps_done, "run.py", dataset))
    if needs_companion(dataset):
        (tmp_path / companion_name("run.py")).write_text(companion_csv(dataset))
    result = subprocess.run(
        [sys.executable, str(script), "--csv", str(tmp_path / "trace.csv")], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return pd.read_csv(tmp_path / "trace.csv")


@pytest.mark.parametrize(
    "config",
    [
        RegressionConfig(data_source="outliers", outlier_fraction=0.2, n_samples=300, loss="mae"),
        RegressionConfig(data_source="heteroscedastic", noise_std=0.5, noise_growth=2.0, n_samples=300),
        RegressionConfig(data_source="curved", curvature=-1.5, n_samples=300, noise_std=0.1),
    ],
    ids=["outliers", "heteroscedastic", "curved"],
)
def test_generated_sources_are_drawn_alike(tmp_path: Path, config: RegressionConfig) -> None:
    trainer = Trainer(config)
    trainer.step(250)
    trainer.update(learning_rate=0.02)
    trainer.run()
    exported = run_script(tmp_path, trainer)
    assert len(exported) == len(trainer.trace)
    assert np.abs(exported[["w", "b"]].to_numpy() - trainer.trace[["w", "b"]].to_numpy()).max() <= 1e-4


@pytest.mark.parametrize("rows", [200, MAX_EMBEDDED_ROWS + 1], ids=["embedded", "companion"])
def test_own_data_is_embedded_up_to_ten_thousand_rows_then_a_companion_csv(tmp_path: Path, rows: int) -> None:
    data = own_data(rows)
    config = RegressionConfig(data_source="csv", data_hash=data.hash, n_samples=rows, batch_size=50, epochs=40)
    trainer = Trainer(config, datasets={data.hash: data})
    trainer.step(150)
    source = export_script(trainer.initial_config, trainer.events, trainer.steps_done, "run.py", data)
    assert ("OWN_DATA = {" in source) == (rows <= MAX_EMBEDDED_ROWS)
    assert ("run_data.csv" in source) == (rows > MAX_EMBEDDED_ROWS)
    exported = run_script(tmp_path, trainer, data)
    assert len(exported) == 151
    assert np.abs(exported[["w", "b"]].to_numpy() - trainer.trace[["w", "b"]].to_numpy()).max() <= 1e-4


def test_the_companion_csv_holds_the_exact_float32_values() -> None:
    data = own_data(30)
    back = pd.read_csv(pd.io.common.StringIO(companion_csv(data)))
    assert (back["x"].to_numpy(np.float32) == data.x).all() and (back["y"].to_numpy(np.float32) == data.y).all()
