"""``python -m core train`` run as a subprocess: the summary line, the CSV trace, every flag and one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from core.regression.config import RegressionConfig
from core.regression.data import make_data, mean_loss
from core.store.run_store import RunStore

ROOT = Path(__file__).resolve().parents[3]
MISSING_DB = "/nonexistent/dir/x.db"


def run_cli(*args: str, timeout: float = 240, db: str | Path | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if db is not None:
        environment["TAPESTREAM_DB"] = str(db)
    command = [sys.executable, "-m", "core", *args]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout)


def summary(result: subprocess.CompletedProcess) -> dict[str, str]:
    """The key=value fields of the summary line (the message, quoted, is left out)."""
    line = result.stdout.strip().splitlines()[-1].split(" message=")[0]
    return dict(part.split("=", 1) for part in line.split())


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    """Our own lines on stderr (TensorFlow's start-up log lines, which it prints whatever the level, left out)."""
    assert "Traceback" not in result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


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
        (["--name", "x"], "--name needs --save"),
        (["--save", "--name", "   "], "--name: name='   ' is not allowed"),
        (["--save", "--name", "x" * 201], "1 to 200 characters"),
    ],
)
def test_bad_arguments_give_one_line_exit_2_and_no_traceback(args: list[str], flag: str) -> None:
    result = run_cli("train", *args, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and flag in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_loss_is_the_mean_over_the_data_at_the_final_point_and_step_loss_the_last_steps(tmp_path: Path) -> None:
    csv_path = tmp_path / "trace.csv"
    result = run_cli("train", "--n-samples", "80", "--epochs", "1", "--noise-std", "0.5", "--csv", str(csv_path))
    assert result.returncode == 0, result.stderr
    fields = summary(result)
    last = pd.read_csv(csv_path).iloc[-1]
    x, y = make_data(RegressionConfig(n_samples=80, epochs=1, noise_std=0.5))
    assert float(fields["loss"]) == pytest.approx(mean_loss(x, y, last.w, last.b, "mse"), rel=1e-5)
    assert float(fields["step_loss"]) == pytest.approx(last.loss, rel=1e-5)
    assert float(fields["loss"]) != pytest.approx(float(fields["step_loss"]), rel=1e-2)


def test_a_diverged_run_exits_1_and_says_so_after_writing_its_trace(tmp_path: Path) -> None:
    csv_path = tmp_path / "trace.csv"
    result = run_cli("train", *"--lr 5 --n-samples 50 --batch-size full --epochs 100 --csv".split(), str(csv_path))
    assert result.returncode == 1
    fields = summary(result)
    assert fields["status"] == "diverged" and "message='Diverged at step" in result.stdout
    [line] = error_lines(result)
    assert line.startswith("error: the run diverged: Diverged at step ") and "smaller learning rate" in line
    trace = pd.read_csv(csv_path)
    assert len(trace) == int(fields["steps"]) + 1 and trace[["w", "b", "loss"]].notna().all().all()


def test_a_save_that_fails_is_one_line_exit_1_after_the_csv_and_summary(tmp_path: Path) -> None:
    csv_path = tmp_path / "trace.csv"
    result = run_cli("train", "--n-samples", "40", "--epochs", "1", "--save", "--csv", str(csv_path), db=MISSING_DB)
    assert result.returncode == 1
    [line] = error_lines(result)
    assert line.startswith(f"error: cannot open {MISSING_DB}") and "TAPESTREAM_DB" in line
    assert summary(result)["status"] == "done" and "saved run" not in result.stderr
    assert len(pd.read_csv(csv_path)) == 41


def test_a_diverged_run_is_still_saved_with_the_printed_losses(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite3"
    flags = "--lr 5 --n-samples 50 --batch-size full --epochs 100 --save --name boom".split()
    result = run_cli("train", *flags, db=db)
    assert result.returncode == 1 and "saved run 1" in result.stderr
    with RunStore(db) as store:
        run = store.get_run(1)
    assert (run["name"], run["status"]) == ("boom", "diverged") and run["message"].startswith("Diverged at step")
    fields = summary(result)
    assert run["final_loss"] == pytest.approx(float(fields["loss"]), rel=1e-5)
    assert run["final_step_loss"] == pytest.approx(float(fields["step_loss"]), rel=1e-5)
