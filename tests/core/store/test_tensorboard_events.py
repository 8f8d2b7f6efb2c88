"""core.store.tensorboard_events: the written event files hold w, b and loss by step and the config as hparams."""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("tensorboard", reason="core.store.tensorboard_events needs the tensorboard package")

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
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

    experiment = read(str(tmp_path / "logs")).PluginTagToContent("hparams")["_hparams_/experiment"]
    info = plugin_data_pb2.HParamsPluginData.FromString(experiment).experiment
    assert {metric.name.tag for metric in info.metric_infos} == {"w", "b", "loss"}
    assert {hparam.name for hparam in info.hparam_infos} == set(config)


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
