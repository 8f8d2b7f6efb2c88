"""``python -m core train --data FILE --x-col X --y-col Y``: fits the columns; a bad file is one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.regression.data import least_squares
from tests.core.cli.test_train import error_lines, run_cli, summary


@pytest.fixture()
def heights(tmp_path: Path) -> Path:
    rng = np.random.default_rng(4)
    x = rng.uniform(-2, 2, 200)
    frame = pd.DataFrame({"name": [f"p{i}" for i in range(200)], "height": x, "weight": 1.5 * x - 0.5})
    frame["weight"] += rng.normal(0, 0.1, 200)
    path = tmp_path / "people.csv"
    frame.to_csv(path, index=False)
    return path


def test_train_fits_the_named_columns(heights: Path, tmp_path: Path) -> None:
    trace = tmp_path / "trace.csv"
    args = ["train", "--data", str(heights), "--x-col", "height", "--y-col", "weight", "--epochs", "20"]
    result = run_cli(*args, "--csv", str(trace))
    assert result.returncode == 0, result.stderr
    fields = summary(result)
    frame = pd.read_csv(heights)
    w_star, b_star = least_squares(frame["height"].to_numpy(np.float32), frame["weight"].to_numpy(np.float32))
    assert int(fields["steps"]) == 20 * 200
    assert abs(float(fields["w"]) - w_star) < 0.05 and abs(float(fields["b"]) - b_star) < 0.05
    assert len(pd.read_csv(trace)) == 20 * 200 + 1


@pytest.mark.parametrize(
    ("content", "flags", "expected"),
    [
        (b"height,weight\n1,2\n2,x\n", ("--x-col", "height", "--y-col", "weight"), "Row 3, column 'weight': 'x'"),
        (b"height,weight\n1,2\n", ("--x-col", "age", "--y-col", "weight"), "There is no column 'age'"),
        (b"", (), "The file is empty"),
        (b"a,a\n1,2\n", (), "names column 'a' twice"),
        (b"a\n1\n", (), "a single column"),
        (b"\xff\xfeh\x00", (), "UTF-16"),
        (b"x,y\n\xe9,1\n", (), "not UTF-8"),
        (b"\x00\x01\x02\x03", (), "binary file"),
        (b"x,y\n1,2\n", ("--n-samples", "5"), "--n-samples=5 clashes with --data"),
    ],
)
def test_bad_files_are_one_line_and_exit_2(tmp_path: Path, content: bytes, flags: tuple, expected: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = run_cli("train", "--data", str(path), *flags)
    assert result.returncode == 2
    lines = error_lines(result)
    assert len(lines) == 1 and expected in lines[0] and "bad.csv" in lines[0]


def test_column_flags_need_a_file_and_csv_needs_data(tmp_path: Path) -> None:
    for args, expected in (
        (("--x-col", "x"), "--x-col needs --data FILE.csv"),
        (("--data-source", "csv"), "--data-source csv needs --data FILE.csv"),
        (("--data", str(tmp_path / "missing.csv")), "cannot be read: No such file or directory"),
    ):
        result = run_cli("train", *args)
        assert result.returncode == 2 and expected in error_lines(result)[0]


def test_a_saved_run_keeps_its_data_set(heights: Path, tmp_path: Path) -> None:
    from core.store.run_store import RunStore

    db = tmp_path / "runs.sqlite3"
    result = run_cli("train", "--data", str(heights), "--x-col", "height", "--y-col", "weight", "--save", db=db)
    assert result.returncode == 0, result.stderr
    with RunStore(db) as store:
        (run,) = store.list_runs()
        data = store.dataset(run["config"]["data_hash"])
    assert run["config"]["data_source"] == "csv" and run["config"]["n_samples"] == 200
    assert data is not None and (data.x_name, data.y_name, data.name) == ("height", "weight", "people.csv")
