"""``python -m core inspect --step K`` run as a subprocess: the record's keys and numbers, and one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.cli.inspect import RECORD_KEYS
from core.regression.config import RegressionConfig
from core.regression.trainer import Trainer
from tests.core.cli.test_train import error_lines, run_cli

KEYS = (
    "step x y prediction loss grad_w grad_b grad_w_closed_form grad_b_closed_form w_before b_before w_after b_after "
    "slots_before slots_after"
).split()


def test_the_json_record_has_the_issues_keys_and_the_runs_numbers() -> None:
    result = run_cli("inspect", "--step", "37", "--n-samples", "50", "--optimizer", "momentum", "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(KEYS) <= set(record) and tuple(KEYS) == RECORD_KEYS
    trainer = Trainer(RegressionConfig(n_samples=50, optimizer="momentum"), backend="compiled")
    trainer.run()
    w, b = trainer.trace_column("w"), trainer.trace_column("b")
    assert np.float32(record["w_before"]) == w[36] and np.float32(record["w_after"]) == w[37]
    assert np.float32(record["b_before"]) == b[36] and np.float32(record["b_after"]) == b[37]
    assert record["step"] == 37 and record["x"] == pytest.approx(float(trainer.arrays[0][36]), abs=0)
    assert list(record["slots_after"]) == ["velocity"] and len(record["slots_after"]["velocity"]) == 2


def test_the_text_report_shows_the_update_and_the_loop_body() -> None:
    result = run_cli("inspect", "--step", "2", "--n-samples", "10")
    assert result.returncode == 0, result.stderr
    assert "grad_w=" in result.stdout and "w ← " in result.stdout and "tape.gradient(loss, [w, b])" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--step", "21", "--n-samples", "10"], "--step=21 is not allowed: must be from 1 to 20"),
        (["--step", "0"], "--step=0 is not allowed: must be from 1 to 2,000"),
        (["--step", "x"], "argument --step: invalid int value"),
        (["--step", "2", "--lr", "20"], "--lr"),
        (["--step", "9", "--n-samples", "10", "--lr", "10", "--w-target", "1000"], "the run stopped (diverged)"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = run_cli("inspect", *args)
    assert result.returncode == 2
    lines = error_lines(result)
    assert len(lines) == 1 and message in lines[0], result.stderr
