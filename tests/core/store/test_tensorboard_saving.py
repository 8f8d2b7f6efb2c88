"""core.store.tensorboard_saving: stored runs exported at full resolution inside the log root; bad input writes none."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

if os.environ.get("CI"):
    import tensorboard  # noqa: F401 (CI installs it: a missing tensorboard fails the run there, never skips)
else:
    pytest.importorskip("tensorboard", reason="TensorBoard export needs the tensorboard package")

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

from core.engine.process import Engine  # noqa: E402
from core.regression.config import RegressionConfig  # noqa: E402
from core.store.run_store import RunNotFound, RunStore, StoreError  # noqa: E402
from core.store.tensorboard_saving import export_stored_runs  # noqa: E402


def save(store: RunStore, name: str, n: int) -> int:
    steps = np.arange(n)
    return store.save_run(
        config=RegressionConfig(seed=n).to_dict(),
        status="done",
        step=steps,
        epoch=np.zeros(n),
        w=steps * 0.5,
        b=steps * 0.25,
        loss=1.0 / (1 + steps),
        name=name,
    )


@pytest.fixture(autouse=True)
def log_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TAPESTREAM_LOGDIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "runs.sqlite3"
    with RunStore(path) as store:
        save(store, "first", 3000)
        save(store, "second run", 12)
    return path


def scalars(directory: str, tag: str) -> list[float]:
    accumulator = EventAccumulator(directory, size_guidance={"tensors": 0})
    accumulator.Reload()
    return [event.step for event in accumulator.Tensors(tag)]


def test_full_traces_are_written_one_directory_a_run(db: Path, tmp_path: Path) -> None:
    directories = export_stored_runs([1, 2], tmp_path / "tb", str(db))
    assert [Path(d).name for d in directories] == ["run-1-first", "run-2-second_run"]
    assert scalars(directories[0], "loss") == list(range(3000))
    assert scalars(directories[1], "w") == list(range(12))


def test_the_engine_task_reads_the_given_store(db: Path, tmp_path: Path) -> None:
    result = Engine().task("tensorboard", {"run_ids": [2], "logdir": str(tmp_path / "tb"), "db_path": str(db)})
    assert [Path(d).name for d in result["directories"]] == ["run-2-second_run"]


def test_bad_ids_and_logdirs_are_explained_and_write_nothing(db: Path, tmp_path: Path) -> None:
    logdir = tmp_path / "tb"
    with pytest.raises(RunNotFound, match="no run with id 7"):
        export_stored_runs([1, 7], logdir, str(db))
    with pytest.raises(StoreError, match="non-empty list"):
        export_stored_runs([], logdir, str(db))
    assert not logdir.exists()
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ValueError, match="cannot write TensorBoard logs"):
        export_stored_runs([1], blocker / "tb", str(db))


def test_the_log_folder_must_stay_inside_the_root(db: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    (directory,) = export_stored_runs([2], "class 1/week:2", str(db), root=root)
    assert Path(directory) == root / "class_1" / "week_2" / "run-2-second_run"
    (directory,) = export_stored_runs([2], str(root / "inside"), str(db), root=root)
    assert Path(directory).parent == root / "inside"
    outside = tmp_path / "elsewhere"
    for folder in (str(outside), "../elsewhere", "a/../../elsewhere", "/etc"):
        with pytest.raises(ValueError, match=f"outside the TensorBoard log root {root}"):
            export_stored_runs([2], folder, str(db), root=root)
    assert not outside.exists()


def test_the_engine_task_refuses_a_logdir_outside_tapestream_logdir(db: Path, tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    with pytest.raises(ValueError, match="TAPESTREAM_LOGDIR"):
        Engine().task("tensorboard", {"run_ids": [2], "logdir": str(outside), "db_path": str(db)})
    assert not outside.exists()
