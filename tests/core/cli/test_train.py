"""``python -m core train`` run as a subprocess: the summary line, the CSV trace, every flag and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[3]


def run_cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def test_train_prints_a_summary_and_writes_the_trace_csv(tmp_path: Path) -> None:
    csv_path = tmp_path / "trace.csv"
    result = run_cli("train", "--csv", str(csv_path))
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip().splitlines()[-1]
    fields = dict(part.split("=", 1) for part in line.split())
    assert fields["status"] == "done" and fields["steps"] == "2000" and fields["backend"] == "compiled"
    assert f"{float(fields['w']):.2f}" == "5.00" and f"{float(fields['b']):.2f}" == "3.00"
    assert float(fields["loss"]) < 1e-6 and float(fields["seconds"]) > 0
    trace = pd.read_csv(csv_path)
    assert list(trace.columns) == ["step", "epoch", "w", "b", "loss"] and len(trace) == 2001


def test_train_accepts_every_flag(tmp_path: Path) -> None:
    flags = "--w-target -2 --b-target 1 --n-samples 300 --noise-std 0.1 --seed 4 --epochs 3 --lr 0.05 "
    flags += "--batch-size 16 --optimizer adam --loss huber --backend eager --shuffle --w-init 1 --b-init -1"
    result = run_cli("train", *flags.split())
    assert result.returncode == 0, result.stderr
    assert "status=done" in result.stdout and "steps=57" in result.stdout and "backend=eager" in result.stdout


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--lr", "-0.1"], "--lr"),
        (["--lr", "nan"], "--lr"),
        (["--n-samples", "0"], "--n-samples"),
        (["--optimizer", "lbfgs"], "--optimizer"),
        (["--n-samples", "100000000000"], "--n-samples"),
        (["--epochs", "abc"], "--epochs"),
        (["--backend", "torch"], "--backend"),
        (["--batch-size", "5000"], "--batch-size"),
        (["--csv", "/nonexistent/dir/trace.csv"], "--csv"),
        (["--bogus"], "--bogus"),
    ],
)
def test_bad_arguments_give_one_line_exit_2_and_no_traceback(args: list[str], flag: str) -> None:
    result = run_cli("train", *args, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and flag in lines[0], result.stderr
    assert "Traceback" not in result.stderr
