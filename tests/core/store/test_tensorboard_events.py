"""core.store.tensorboard_events: the written event files hold w, b and loss by step and the config as hparams."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

if os.environ.get("CI"):
    import tensorboard  # noqa: F401 (CI installs it: a missing tensorboard fails the run there, never skips)
else:
    pytest.importorskip("tensorboard", reason="core.store.tensorboard_events needs the tensorboard package")

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.backend.event_processing.plugin_event_multiplexer import EventMultiplexer  # noqa: E402
from tensorboard.plugins.hparams import plugin_data_pb2  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

from core.regression.config import RegressionConfig  # noqa: E402
from core.store.tensorboard_events import export_runs, run_dir_name  # noqa: E402


def points(n: int, scale: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "step": np.arange(n, dtype=np.int64),
            "epoch": np.zeros(n, np.int32),
            "w": np.linspace(0.0, 5.0, n, dtype=np.float32) * scale,
            "b": np.linspace(0.0, 3.0, n, dtype=np.float32),
            "loss": np.linspace(9.0, 0.0, n, dtype=np.float32),
        }
    )


def read(directory: str) -> EventAccumulator:
    accumulator = EventAccumulator(directory, size_guidance={"tensors": 0})
    accumulator.Reload()
    return accumulator


def test_each_run_gets_a_directory_with_its_scalars_and_hparams(tmp_path: pathlib.Path) -> None:
    config = RegressionConfig(learning_rate=0.05, optimizer="adam", shuffle=True).to_dict()
    runs = [
        {"id": 7, "name": "lr=0.05 seed=0", "config": config, "points": points(120, 1.0)},
        {"id": 8, "name": None, "config": {**config, "seed": 1}, "points": points(5, 2.0)},
    ]
    directories = export_runs(runs, str(tmp_path / "logs"))
    assert [pathlib.Path(d).name for d in directories] == ["run-7-lr=0.05_seed=0", "run-8"]

    for run, directory in zip(runs, directories):
        accumulator = read(directory)
        assert {"w", "b", "loss"} <= set(accumulator.Tags()["tensors"])
        for tag in ("w", "b", "loss"):
            events = accumulator.Tensors(tag)
            assert [event.step for event in events] == run["points"]["step"].tolist()
            values = [tensor_util.make_ndarray(event.tensor_proto).item() for event in events]
            assert np.allclose(values, run["points"][tag].to_numpy())
        assert accumulator.SummaryMetadata("w").plugin_data.plugin_name == "scalars"
        content = accumulator.PluginTagToContent("hparams")["_hparams_/session_start_info"]
        start = plugin_data_pb2.HParamsPluginData.FromString(content).session_start_info
        assert start.group_name == str(run["id"])
        assert start.hparams["learning_rate"].number_value == pytest.approx(0.05)
        assert start.hparams["optimizer"].string_value == "adam"
        assert start.hparams["shuffle"].bool_value is True
        assert start.hparams["seed"].number_value == run["config"]["seed"]

    assert not list((tmp_path / "logs").glob("events.out.tfevents.*"))  # nothing at the top: no "." run


def tensorboard_runs(logdir: pathlib.Path) -> dict[str, int]:
    """The runs TensorBoard finds under logdir, each with its number of loss points."""
    multiplexer = EventMultiplexer(tensor_size_guidance={"scalars": 0})
    multiplexer.AddRunsFromDirectory(str(logdir))
    multiplexer.Reload()
    return {run: len(multiplexer.Tensors(run, "loss")) for run in multiplexer.Runs()}


def test_exporting_again_replaces_a_runs_earlier_export_and_adds_no_dot_run(tmp_path: pathlib.Path) -> None:
    config = RegressionConfig().to_dict()
    logdir = tmp_path / "logs"
    (logdir / "run-12").mkdir(parents=True)  # another run whose id starts with the same digit
    export_runs([{"id": 12, "name": None, "config": config, "points": points(4, 1.0)}], logdir)
    (logdir / "events.out.tfevents.1.host.1.0").write_bytes(b"")  # an earlier version's top-level file
    run = {"id": 1, "name": "first", "config": config, "points": points(2001, 1.0)}
    export_runs([run], logdir)
    export_runs([run], logdir)
    assert len(list((logdir / "run-1-first").glob("events.out.tfevents.*"))) == 1
    assert tensorboard_runs(logdir) == {"run-1-first": 2001, "run-12": 4}
    export_runs([{**run, "name": "renamed"}], logdir)  # the old name's folder goes
    assert tensorboard_runs(logdir) == {"run-1-renamed": 2001, "run-12": 4}
    assert not (logdir / "run-1-first").exists()


def test_without_tensorboard_these_tests_fail_under_ci_rather_than_skip(tmp_path: pathlib.Path) -> None:
    """A tensorboard that cannot be imported, shadowing the real one: CI=true must turn the skip into an error."""
    (tmp_path / "tensorboard").mkdir()
    (tmp_path / "tensorboard" / "__init__.py").write_text('raise ModuleNotFoundError("no tensorboard here")\n')
    test_file = pathlib.Path(__file__)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file), "-k", "safe"]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    outcomes = {}
    for ci in ("true", ""):
        done = subprocess.run(
            command,
            env={**environment, "CI": ci},
            capture_output=True,
            text=True,
            timeout=120,
            cwd=test_file.parents[3],
        )
        outcomes[ci] = (done.returncode, done.stdout)
    assert outcomes["true"][0] not in (0, 5) and "no tensorboard here" in outcomes["true"][1], outcomes["true"]
    assert outcomes[""][0] in (0, 5) and "skipped" in outcomes[""][1], outcomes[""]


def test_the_event_files_read_back_with_tf_summary_iterator(tmp_path: pathlib.Path) -> None:
    import tensorflow as tf

    (directory,) = export_runs([{"id": 1, "name": "x", "config": {"lr": 0.1}, "points": points(3, 1.0)}], tmp_path)
    (path,) = pathlib.Path(directory).glob("events.out.tfevents.*")
    seen, tags = {}, set()
    for event in tf.compat.v1.train.summary_iterator(str(path)):
        for value in event.summary.value:
            tags.add(value.tag)
            if value.tag in ("w", "b", "loss"):
                seen.setdefault(value.tag, []).append((event.step, tf.make_ndarray(value.tensor).item()))
    assert seen["loss"] == [(0, 9.0), (1, 4.5), (2, 0.0)]
    assert [step for step, _ in seen["w"]] == [0, 1, 2]
    assert "_hparams_/session_start_info" in tags


def test_run_dir_names_are_safe() -> None:
    assert run_dir_name(3, "sgd lr=0.1 / seed: 2") == "run-3-sgd_lr=0.1_seed_2"
    assert run_dir_name(4, "../..") == "run-4"


@pytest.mark.parametrize(
    "runs, words",
    [
        ([{"id": 1, "name": "x", "config": {}}], "keys id, name, config, points"),
        ([{"id": 1, "name": "x", "config": [], "points": points(2, 1.0)}], "config must be a dict"),
        ([{"id": 1, "name": "x", "config": {}, "points": pd.DataFrame({"step": [0]})}], "columns"),
    ],
)
def test_malformed_runs_raise_value_error(tmp_path: pathlib.Path, runs: list, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        export_runs(runs, str(tmp_path))


def test_an_unwritable_logdir_raises_a_clear_value_error(tmp_path: pathlib.Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    run = {"id": 1, "name": "x", "config": {}, "points": points(2, 1.0)}
    with pytest.raises(ValueError, match="cannot write TensorBoard logs to"):
        export_runs([run], str(blocker / "logs"))
    with pytest.raises(ValueError, match="logdir must be a directory path"):
        export_runs([run], "")
