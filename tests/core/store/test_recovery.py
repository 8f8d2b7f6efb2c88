"""core.store.recovery: unsaved runs written beside the store, read back exactly, imported once, bad files named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.store.recovery import import_recovered, read_recovery, recovered_files, recovery_dir, write_recovery
from core.store.run_store import RunStore, StoreError


def a_run() -> dict:
    return {
        "config": {"optimizer": "adam", "learning_rate": 0.1},
        "status": "diverged",
        "events": [{"step": 1, "field": "learning_rate", "old": 0.01, "new": 0.1}],
        "name": None,
        "message": "Diverged at step 2",
        "final_loss": float("inf"),
        "step": np.arange(3),
        "epoch": np.zeros(3, dtype=np.int32),
        "w": np.array([0.0, 1.5, np.nan], dtype=np.float32),
        "b": np.array([0.0, -1.0, np.inf]),
        "loss": np.array([4.0, 2.0, 1.0]),
    }


def test_a_recovered_run_is_kept_beside_the_store_and_imported_once(
    location: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = location
    path = write_recovery(a_run(), db)
    database = db.rpartition("/")[2]
    expected = tmp_path / (
        f"tapestream-{database}.recovery" if db.startswith("postgresql://") else "runs.sqlite3.recovery"
    )
    assert path.parent == recovery_dir(db) == expected
    assert recovered_files(db) == [path] and not list(recovery_dir(db).glob("*.partial"))
    with RunStore(db) as store:
        run_id = import_recovered(store, path)
        run = store.get_run(run_id)
        assert run["status"] == "diverged" and run["events"] == a_run()["events"] and run["final_loss"] == np.inf
        points = store.points(run_id)
        np.testing.assert_array_equal(points["w"].to_numpy(), [0.0, 1.5, np.nan])
        np.testing.assert_array_equal(points["b"].to_numpy(), [0.0, -1.0, np.inf])
    assert recovered_files(db) == []


def test_no_folder_means_nothing_to_recover(tmp_path: Path) -> None:
    assert recovered_files(tmp_path / "none.sqlite3") == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{not json", "cannot be read"),
        ('{"version": 9}', "not a Tapestream recovery file"),
        ('{"version": 1}', "lacks"),
    ],
)
def test_bad_recovery_files_are_named(tmp_path: Path, text: str, words: str) -> None:
    folder = recovery_dir(tmp_path / "runs.sqlite3")
    folder.mkdir()
    bad = folder / "run-bad.json"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(StoreError, match=words) as raised:
        read_recovery(bad)
    assert "run-bad.json" in str(raised.value)
