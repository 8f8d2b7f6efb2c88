"""Tests for ``python -m core runs ...`` (and ``train --save``), run as real subprocesses on a temporary database."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.store.run_store import RunStore

REPO = Path(__file__).resolve().parents[3]
LIST_KEYS = {"id", "name", "status", "config", "final_w", "final_b", "final_loss", "final_step_loss", "steps"}
MISSING_DB = Path("/nonexistent/dir/x.db")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "runs.sqlite3"


def environment(db: Path) -> dict[str, str]:
    return {**os.environ, "TAPESTREAM_DB": str(db), "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3"}


def cli(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """Run ``python -m core ARGS`` with TAPESTREAM_DB pointing at db and stdin a pipe (never a terminal)."""
    command = [sys.executable, "-m", "core", *args]
    return subprocess.run(
        command, cwd=REPO, env=environment(db), input=stdin, capture_output=True, text=True, timeout=300
    )


def on_terminal(db: Path, args: list[str], answer: bytes) -> tuple[int, str]:
    """Run ``python -m core ARGS`` on a real pseudo-terminal; type answer once it asks [y/N]; (exit code, screen)."""
    import pty  # POSIX only, like the rest of the CLI's terminal handling

    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "core", *args]
    terminal = {"stdin": follower, "stdout": follower, "stderr": follower}
    process = subprocess.Popen(command, cwd=REPO, env=environment(db), **terminal)
    os.close(follower)
    screen, answered, deadline = b"", False, time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closes when the process ends
                break
            if not chunk:
                break
            screen += chunk
        if not answered and b"[y/N]" in screen:
            os.write(leader, answer)
            answered = True
        if process.poll() is not None and not ready:
            break
    code = process.wait(timeout=30)
    os.close(leader)
    return code, screen.decode(errors="replace")


def assert_one_line_error(result: subprocess.CompletedProcess, code: int, *fragments: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def seed_runs(db: Path) -> list[int]:
    n = 25
    with RunStore(db) as store:
        first = store.save_run(
            config={"optimizer": "adam", "learning_rate": 0.1},
            status="done",
            step=np.arange(n),
            epoch=np.arange(n) // 10,
            w=np.linspace(0, 5, n, dtype=np.float32),
            b=np.linspace(0, 3, n),
            loss=np.geomspace(10, 0.001, n),
            events=[{"step": 3, "field": "learning_rate", "old": 0.1, "new": 0.2}],
            tags=["best"],
            notes="a note",
        )
        second = store.save_run(
            config={}, status="diverged", step=[0, 1], epoch=[0, 0], w=[0, 1e9], b=[0, 1], loss=[1, float("inf")]
        )
    return [first, second]


def test_train_save_then_list_show_export_delete(db: Path, tmp_path: Path) -> None:
    trained = cli(db, "train", "--n-samples", "100", "--epochs", "1", "--save", "--name", "x")
    assert trained.returncode == 0, trained.stderr
    assert "saved run 1" in trained.stderr and "status=done steps=100" in trained.stdout

    listed = cli(db, "runs", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [run] = json.loads(listed.stdout)
    assert LIST_KEYS <= set(run)
    assert (run["id"], run["name"], run["status"], run["steps"]) == (1, "x", "done", 100)
    assert run["config"]["n_samples"] == 100 and run["config"]["epochs"] == 1

    table = cli(db, "runs", "list")
    assert table.returncode == 0 and table.stdout.splitlines()[0].split()[:3] == ["ID", "NAME", "STATUS"]
    assert table.stdout.splitlines()[1].split()[:4] == ["1", "x", "done", "100"]

    shown = cli(db, "runs", "show", "1")
    assert shown.returncode == 0
    assert "run 1: x" in shown.stdout and "n_samples: 100" in shown.stdout and "events:   none" in shown.stdout

    csv = tmp_path / "trace.csv"
    exported = cli(db, "runs", "export", "1", "--csv", str(csv))
    assert exported.returncode == 0, exported.stderr
    frame = pd.read_csv(csv)
    assert list(frame.columns) == ["step", "epoch", "w", "b", "loss"]
    with RunStore(db) as store:
        pd.testing.assert_frame_equal(frame, store.points(1), check_dtype=False)
    assert len(frame) == 101

    deleted = cli(db, "runs", "delete", "1", "--yes")
    assert deleted.returncode == 0 and "deleted run 1" in deleted.stderr
    empty = cli(db, "runs", "list")
    assert empty.returncode == 0 and "no saved runs" in empty.stdout
    assert json.loads(cli(db, "runs", "list", "--json").stdout) == []


def test_list_filters_show_json_and_strict_json(db: Path) -> None:
    first, second = seed_runs(db)
    listed = cli(db, "runs", "list", "--json")
    runs = json.loads(listed.stdout, parse_constant=lambda name: pytest.fail(f"non-standard JSON {name}"))
    assert [run["id"] for run in runs] == [second, first]
    assert runs[0]["final_loss"] is None  # inf is printed as null, keeping the output strict JSON
    tagged = json.loads(cli(db, "runs", "list", "--json", "--tag", "best").stdout)
    assert [run["id"] for run in tagged] == [first]
    by_status = cli(db, "runs", "list", "--status", "diverged")
    assert [line.split()[0] for line in by_status.stdout.splitlines()[1:]] == [str(second)]
    shown = json.loads(cli(db, "runs", "show", str(first), "--json").stdout)
    assert shown["events"] == [{"step": 3, "field": "learning_rate", "old": 0.1, "new": 0.2}]
    text = cli(db, "runs", "show", str(first)).stdout
    assert "step 3: learning_rate 0.1 -> 0.2" in text and "a note" in text and "tags:     best" in text


@pytest.mark.parametrize("action", [["show"], ["delete"], ["export", "--csv", "out.csv"]])
def test_unknown_id_is_one_line_exit_1(db: Path, tmp_path: Path, action: list[str]) -> None:
    seed_runs(db)
    args = [action[0], "42", *[str(tmp_path / arg) if arg.endswith(".csv") else arg for arg in action[1:]]]
    args += ["--yes"] if action == ["delete"] else []
    result = cli(db, "runs", *args)
    assert_one_line_error(result, 1, "no run with id 42", "python -m core runs list")
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["runs", "show", "abc"], "'abc' is not a run id"),
        (["runs", "show"], "the following arguments are required: ID"),
        (["runs"], "the following arguments are required"),
        (["runs", "list", "--status", "nope"], "invalid choice: 'nope'"),
        (["runs", "export", "1"], "--csv"),
    ],
)
def test_usage_errors_are_one_line_exit_2(db: Path, args: list[str], fragment: str) -> None:
    assert_one_line_error(cli(db, *args), 2, fragment)


def test_unwritable_export_path_is_exit_2(db: Path, tmp_path: Path) -> None:
    first, _ = seed_runs(db)
    result = cli(db, "runs", "export", str(first), "--csv", str(tmp_path / "missing" / "t.csv"))
    assert_one_line_error(result, 2, "cannot be written")


def test_corrupt_database_is_one_line_exit_1(db: Path, tmp_path: Path) -> None:
    db.write_text("not sqlite\n" * 200)
    assert_one_line_error(cli(db, "runs", "list"), 1, str(db), "is not a Tapestream run database", "TAPESTREAM_DB")
    other = tmp_path / "other.sqlite3"
    seed_runs(other)
    assert cli(db, "runs", "list", "--db", str(other)).returncode == 0


def test_runs_commands_do_not_import_tensorflow(db: Path) -> None:
    seed_runs(db)
    code = (
        "import sys; from core.cli.main import main; rc = main(['runs', 'list']); "
        "sys.exit(rc or ('tensorflow' in sys.modules and 'tensorflow was imported'))"
    )
    env = {**os.environ, "TAPESTREAM_DB": str(db), "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_delete_asks_on_a_terminal_and_only_yes_deletes(db: Path) -> None:
    first, second = seed_runs(db)
    code, screen = on_terminal(db, ["runs", "delete", str(first)], b"n\n")
    assert code == 1, screen
    assert f"delete run {first} " in screen and "(24 steps)? [y/N]" in screen
    assert f"run {first} was not deleted" in screen and "Traceback" not in screen
    code, screen = on_terminal(db, ["runs", "delete", str(first)], b"\n")  # Enter alone is the default: no
    assert code == 1 and "was not deleted" in screen
    with RunStore(db) as store:
        assert [run["id"] for run in store.list_runs()] == [second, first]
    code, screen = on_terminal(db, ["runs", "delete", str(first)], b"Y\n")
    assert code == 0 and f"deleted run {first}" in screen, screen
    code, screen = on_terminal(db, ["runs", "delete", str(second), "--yes"], b"n\n")
    assert code == 0 and "[y/N]" not in screen and f"deleted run {second}" in screen
    with RunStore(db) as store:
        assert store.list_runs() == []


def test_delete_without_a_terminal_needs_yes(db: Path) -> None:
    first, _ = seed_runs(db)
    refused = cli(db, "runs", "delete", str(first), stdin="y\n")
    assert_one_line_error(refused, 2, "stdin is not a terminal", "pass --yes")
    with RunStore(db) as store:
        assert store.get_run(first)["id"] == first
    deleted = cli(db, "runs", "delete", str(first), "--yes")
    assert deleted.returncode == 0 and f"deleted run {first}" in deleted.stderr
    with RunStore(db) as store:
        assert first not in [run["id"] for run in store.list_runs()]


def test_export_keeps_an_existing_file_unless_force(db: Path, tmp_path: Path) -> None:
    first, second = seed_runs(db)
    csv = tmp_path / "trace.csv"
    csv.write_text("keep me\n")
    refused = cli(db, "runs", "export", str(first), "--csv", str(csv))
    assert_one_line_error(refused, 2, f"--csv='{csv}' already exists", "--force")
    assert csv.read_text() == "keep me\n"
    forced = cli(db, "runs", "export", str(second), "--csv", str(csv), "--force")
    assert forced.returncode == 0, forced.stderr
    assert pd.read_csv(csv)["step"].tolist() == [0, 1]


@pytest.mark.parametrize(
    "args",
    [
        ["runs", "list"],
        ["runs", "list", "--json"],
        ["runs", "show", "1"],
        ["runs", "export", "1", "--csv", "OUT"],
        ["runs", "delete", "1", "--yes"],
    ],
)
def test_a_store_that_cannot_open_is_one_line_exit_1(tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "out.csv"
    result = cli(MISSING_DB, *[str(out) if arg == "OUT" else arg for arg in args])
    assert_one_line_error(result, 1, f"cannot open {MISSING_DB}", "TAPESTREAM_DB")
    assert result.stdout == "" and not out.exists()


def test_list_shows_both_final_losses_and_json_keeps_its_keys(db: Path) -> None:
    first, _ = seed_runs(db)
    header, *rows = cli(db, "runs", "list").stdout.splitlines()
    assert "DATA LOSS" in header and "STEP LOSS" in header and header.index("DATA LOSS") < header.index("STEP LOSS")
    [run] = [run for run in json.loads(cli(db, "runs", "list", "--json").stdout) if run["id"] == first]
    assert LIST_KEYS <= set(run) and run["final_step_loss"] == pytest.approx(0.001)
    row = next(line for line in rows if line.split()[0] == str(first))
    step_loss_column = header.index("STEP LOSS")
    assert row[step_loss_column:].split()[0] == "0.001"
    shown = cli(db, "runs", "show", str(first)).stdout
    assert "(mean over the data at the final w, b)" in shown and "step loss: 0.001 (the last step's own loss)" in shown
