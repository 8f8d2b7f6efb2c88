"""The exported standalone script reproduces the dashboard's run, mid-run changes included."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.regression.config import RegressionConfig
from core.regression.data import mean_loss as data_mean_loss
from core.regression.script_export import export_script
from core.regression.trainer import Trainer

CASES = [
    (RegressionConfig(), [(500, {"learning_rate": 0.05}), (900, {"w_target": -2.0, "optimizer": "adam"})], 1200),
    (
        RegressionConfig(n_samples=50, batch_size=8, shuffle=True, epochs=5, loss="huber", optimizer="momentum"),
        [(10, {"batch_size": 3}), (20, {"n_samples": 30, "seed": 3})],
        None,
    ),
    (
        RegressionConfig(n_samples=200, optimizer="adam", learning_rate=0.05),
        [(150, {"w_init": 8.0}), (260, {"b_init": -4.0, "learning_rate": 0.02}), (300, {"w_init": 2.5})],
        None,
    ),
]


@pytest.mark.parametrize(("config", "changes", "stop"), CASES)
def test_exported_script_reproduces_the_trace(tmp_path: Path, config, changes, stop) -> None:
    trainer = Trainer(config, "compiled")
    for at, change in changes:
        trainer.step(at - trainer.steps_done)
        trainer.update(**change)
    trainer.step(stop - trainer.steps_done) if stop else trainer.run()
    script = tmp_path / "run.py"
    script.write_text(export_script(trainer.initial_config, trainer.events, trainer.steps_done))
    result = subprocess.run(
        [sys.executable, str(script), "--csv", str(tmp_path / "trace.csv")], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    printed = re.search(r"Weight: (-?\d+\.\d{4}), Bias: (-?\d+\.\d{4}) after", result.stdout)  # as the page shows
    assert printed, result.stdout
    assert [float(value) for value in printed.groups()] == pytest.approx([trainer.w, trainer.b], abs=2e-4)
    mean = re.search(r"mean loss over the data (\S+);", result.stdout)  # the page's Loss, not the last step's
    x, y = trainer.arrays
    assert float(mean.group(1)) == pytest.approx(
        data_mean_loss(x, y, trainer.w, trainer.b, trainer.config.loss), rel=2e-3, abs=1e-6
    )
    exported, reference = pd.read_csv(tmp_path / "trace.csv"), trainer.trace
    assert len(exported) == len(reference)
    assert (exported["step"].to_numpy() == reference["step"].to_numpy()).all()
    assert (exported["epoch"].to_numpy() == reference["epoch"].to_numpy()).all()
    assert np.abs(exported[["w", "b"]].to_numpy() - reference[["w", "b"]].to_numpy()).max() <= 1e-4


def test_script_is_plain_tensorflow_with_the_tutorials_loop() -> None:
    text = export_script(RegressionConfig(), [], 2000)
    assert "import streamlit" not in text and "from core" not in text
    assert "with tf.GradientTape() as tape:" in text and "w.assign_sub(lr * gradients[0])" in text
