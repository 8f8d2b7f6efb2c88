"""``python -m core sweep`` as a user runs it: the table, the JSON line, --save into the run store, bad flags."""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import subprocess
import sys

import pytest

from core.store.run_store import RunStore

ROOT = pathlib.Path(__file__).resolve().parents[3]
HAS_TENSORBOARD = importlib.util.find_spec("tensorboard") is not None


def run_cli(*arguments: str, db: pathlib.Path | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if db is not None:
        environment["TAPESTREAM_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "core", "sweep", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_sweep_prints_a_table_and_json_and_saves_every_run(tmp_path: pathlib.Path) -> None:
    db = tmp_path / "runs.sqlite3"
    logdir = tmp_path / "tb"
    export = ["--tensorboard", str(logdir)] if HAS_TENSORBOARD else []
    flags = "--lr 0.1,4 --optimizer sgd,adam --n-samples 50 --epochs 1 --json --save --name trial".split()
    done = run_cli(*flags, *export, db=db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    header = lines[0].split()
    assert header[:3] == ["#", "LR", "OPTIMIZER"]
    assert header[-7:] == ["B", "DATA", "LOSS", "STEP", "LOSS", "CONVERGED", "AT"]
    assert len(lines) == 1 + 4 + 1
    runs = result["runs"]
    assert [(run["config"]["learning_rate"], run["config"]["optimizer"]) for run in runs] == [
        (0.1, "sgd"),
        (0.1, "adam"),
        (4.0, "sgd"),
        (4.0, "adam"),
    ]
    assert runs[0]["status"] == "done" and runs[0]["steps"] == 50 and runs[0]["steps_to_converge"] is not None
    assert runs[2]["status"] == "diverged" and runs[2]["message"].startswith("Diverged at step")
    assert result["fields"] == ["learning_rate", "optimizer"]

    sweep_id = result["sweep_id"]
    assert sweep_id and f"saved sweep {sweep_id}" in done.stderr
    with RunStore(db) as store:
        saved = store.list_runs(sweep_id=sweep_id)
        assert sorted(run["id"] for run in saved) == sorted(run["run_id"] for run in runs)
        first = store.get_run(runs[0]["run_id"])
        assert first["name"] == "trial lr=0.1 optimizer=sgd" and first["status"] == "done"
        assert first["config"]["learning_rate"] == 0.1 and first["sweep_id"] == sweep_id
        points = store.points(runs[0]["run_id"])
        assert len(points) == 51 and points["w"].iloc[-1] == pytest.approx(runs[0]["w"])
        assert store.get_run(runs[2]["run_id"])["message"] == runs[2]["message"]
        # loss is the mean over the data at the end (the store's final_loss), step_loss the last step's own
        assert runs[0]["loss"] == pytest.approx(first["final_loss"]) and runs[0]["loss"] != runs[0]["step_loss"]
        assert runs[0]["step_loss"] == pytest.approx(first["final_step_loss"])
    if HAS_TENSORBOARD:
        assert len([path for path in logdir.iterdir() if path.is_dir()]) == 4


@pytest.mark.parametrize(
    "arguments, words",
    [
        (["--lr", "0.1,abc"], "--lr: 'abc' is not a number"),
        (["--optimizer", "sgd,foo"], "--optimizer='foo' is not allowed"),
        (["--lr", "0,0.1"], "--lr=0.0 is not allowed"),
        (["--seed", "1", "--seeds", "2,3"], "--seed or --seeds"),
        (["--batch-size", "1,huge"], "'huge' is not a whole number or 'full'"),
        (["--shuffle", "maybe"], "'maybe' is not true or false"),
        (["--seeds", ",".join(str(seed) for seed in range(1001))], "at most 1,000 runs"),
        (["--epochs", "10000", "--seeds", ",".join(str(seed) for seed in range(10))], "longest run's steps"),
        (["--seeds", "1,,2"], "--seeds: '1,,2' has an empty item"),
        (["--lr", "0.1,"], "--lr: '0.1,' has an empty item"),
        (["--optimizer", ",adam"], "--optimizer: ',adam' has an empty item"),
        (["--shuffle", "yes, ,no"], "--shuffle: 'yes, ,no' has an empty item"),
        (["--seeds", ","], "--seeds: ',' has an empty item"),
        (["--lr", "0.1", "--name", "x"], "--name needs --save"),
        (["--lr", "0.1,0.2", "--save", "--name", "x" * 195], "--name: name='" + "x" * 195 + " lr=0.1' is not allowed"),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(arguments: list[str], words: str) -> None:
    done = run_cli(*arguments)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ") and words in done.stderr


def test_a_store_that_cannot_open_is_one_line_exit_1_before_any_training() -> None:
    done = run_cli("--lr", "0.1,0.2", "--n-samples", "20", "--save", db=pathlib.Path("/nonexistent/dir/x.db"))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: cannot open /nonexistent/dir/x.db")
    assert "Traceback" not in done.stderr and "TAPESTREAM_DB" in done.stderr
