"""core.cli.store_access: a StoreError ends a command as one line with exit 1; a bad run name is exit 2."""

from __future__ import annotations

import pytest

from core.cli.store_access import checked_run_name, store_problems_reported
from core.store.run_store import RunStore
from core.store.store_errors import RunNotFound


def test_a_store_error_inside_is_one_line_and_exit_1(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exited, store_problems_reported():
        RunStore("/nonexistent/dir/x.db")
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: cannot open /nonexistent/dir/x.db")
    with pytest.raises(SystemExit) as exited, store_problems_reported():
        raise RunNotFound(7)
    assert exited.value.code == 1 and "no run with id 7" in capsys.readouterr().err


def test_other_errors_and_a_clean_block_pass_through() -> None:
    with store_problems_reported():
        done = True
    assert done
    with pytest.raises(ZeroDivisionError), store_problems_reported():
        1 / 0  # noqa: B018 (the error is the point)


def test_checked_run_name_trims_or_exits_2_naming_the_flag(capsys: pytest.CaptureFixture) -> None:
    assert checked_run_name("--name", "  best run ") == "best run"
    for bad in ("   ", "x" * 201):
        with pytest.raises(SystemExit) as exited:
            checked_run_name("--name", bad)
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("error: --name: name=") and "1 to 200 characters" in err
