"""``python -m core lr-find``: the range test from the command line, as JSON with its keys or as a table."""

from __future__ import annotations

import json
from pathlib import Path

from tests.core.cli.test_train import error_lines, run_cli


def test_json_has_the_keys_and_a_suggestion_below_two_over_lambda_max() -> None:
    result = run_cli("lr-find", "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"learning_rates", "losses", "suggested", "max_stable"} <= set(found)
    assert len(found["learning_rates"]) == len(found["losses"]) == 64
    assert found["learning_rates"][0] == 1e-5 and abs(found["learning_rates"][-1] - 10) < 1e-9
    assert found["suggested"] <= found["max_stable"] < found["two_over_lambda_max"]
    assert found["losses"][-1] is None and found["compiled_calls"] == 1


def test_the_table_marks_the_suggestion_and_the_edge_and_reads_own_data(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("a,b\n" + "".join(f"{i},{2 * i + 1}\n" for i in range(20)))
    result = run_cli("lr-find", "--data", str(path), "--x-col", "a", "--y-col", "b", "--batch-size", "full")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 66 and any("← suggested" in line for line in lines)
    assert any("← divergence edge" in line for line in lines) and lines[-1].startswith("suggested=")


def test_bad_flags_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_bytes(b"a,b\n1,nan\n")
    for args, expected in (
        (("--optimizer", "nope"), "--optimizer"),
        (("--data", str(tmp_path / "bad.csv")), "Row 2, column 'b' is NaN"),
    ):
        result = run_cli("lr-find", *args)
        assert result.returncode == 2 and expected in error_lines(result)[0]
