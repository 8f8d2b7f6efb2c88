"""Write runs as TensorBoard logs: a directory per run with w, b and loss scalars by step and its config as hparams.

Exporting a run again replaces its earlier export (its old event files are removed first), and nothing is
written at the logdir's top, so TensorBoard lists exactly one run per exported run and no "." run.

The events are the ones tf.summary.scalar and hp.hparams write, framed by tensorboard's own RecordWriter, so that
exporting needs no TensorFlow (nor its start-up time) and writes tens of thousands of points a second.
"""

from __future__ import annotations

import itertools
import os
import pathlib
import re
import socket
import tempfile
import time
from typing import Any

import numpy as np
import pandas as pd
from tensorboard.compat.proto.event_pb2 import Event
from tensorboard.compat.proto.summary_pb2 import Summary
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.compat.proto.types_pb2 import DT_FLOAT
from tensorboard.plugins.hparams import summary_v2 as hparams
from tensorboard.plugins.scalar.summary_v2 import scalar_pb
from tensorboard.summary.writer.record_writer import RecordWriter

SCALARS: tuple[str, ...] = ("w", "b", "loss")
RUN_KEYS: tuple[str, ...] = ("id", "name", "config", "points")
MAX_DIR_NAME_CHARS = 80
SCALAR_SHAPE = TensorShapeProto()
SCALAR_METADATA = scalar_pb("w", 0.0).value[0].metadata
_FILE_NUMBERS = itertools.count()
EVENT_FILE_PREFIX = "events.out.tfevents."


def export_runs(runs: list[dict], logdir: str | os.PathLike) -> list[str]:
    """Write each run ({id, name, config, points}) under logdir; returns the run directories written.

    Open them with ``tensorboard --logdir LOGDIR``: the Scalars tab shows w, b and loss by step, and the HParams
    tab lists every run's config (TensorBoard infers the w, b and loss metric columns from the runs). A run
    exported before, under any name, is replaced. Raises ValueError when logdir cannot be written or a run is
    malformed.
    """
    checked = [_checked(run) for run in runs]
    root = writable_logdir(logdir)
    directories = []
    try:
        for run in checked:
            directory = root / run_dir_name(run["id"], run["name"])
            _remove_earlier_export(root, run["id"])
            events = [_event(0, hparams.hparams_pb(_hparam_values(run["config"]), trial_id=str(run["id"])))]
            columns = [run["points"][column].to_numpy() for column in ("step", *SCALARS)]
            events += [_event(int(step), _scalars(values)) for step, *values in zip(*columns)]
            _write_events(directory, events)
            directories.append(str(directory))
        _remove_event_files(root)  # the "." run an earlier version wrote there
    except OSError as error:
        raise ValueError(f"cannot write TensorBoard logs to {str(logdir)!r}: {error.strerror or error}") from None
    return directories


def _scalars(values: list[float]) -> Summary:
    """One step's w, b and loss, byte for byte the summary values tf.summary.scalar writes."""
    return Summary(value=[_scalar(name, value) for name, value in zip(SCALARS, values)])


def _scalar(tag: str, value: float) -> Summary.Value:
    tensor = TensorProto(dtype=DT_FLOAT, tensor_shape=SCALAR_SHAPE, tensor_content=np.float32(value).tobytes())
    return Summary.Value(tag=tag, metadata=SCALAR_METADATA, tensor=tensor)


def _event(step: int, summary: Summary) -> Event:
    return Event(wall_time=time.time(), step=step, summary=summary)


def _write_events(directory: pathlib.Path, events: list[Event]) -> None:
    """One new event file in directory: the file-version record, then the events (TFRecord framing)."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{EVENT_FILE_PREFIX}{int(time.time()):010d}.{socket.gethostname()}.{os.getpid()}.{next(_FILE_NUMBERS)}"
    with open(directory / name, "wb") as file:
        writer = RecordWriter(file)
        writer.write(Event(wall_time=time.time(), file_version="brain.Event:2").SerializeToString())
        for event in events:
            writer.write(event.SerializeToString())


def _remove_earlier_export(root: pathlib.Path, run_id: Any) -> None:
    """Delete the event files of run_id's earlier exports: its folder "run-ID" or "run-ID-<any name>"."""
    prefix = f"run-{run_id}"
    for folder in root.iterdir():
        if (
            folder.is_dir()
            and not folder.is_symlink()
            and (folder.name == prefix or folder.name.startswith(f"{prefix}-"))
        ):
            _remove_event_files(folder)
            if not any(folder.iterdir()):
                folder.rmdir()


def _remove_event_files(folder: pathlib.Path) -> None:
    for path in folder.glob(f"{EVENT_FILE_PREFIX}*"):
        if path.is_file():
            path.unlink()


def writable_logdir(logdir: str | os.PathLike) -> pathlib.Path:
    """logdir as a Path, created if needed; ValueError if it cannot be written."""
    if not isinstance(logdir, (str, os.PathLike)) or not str(logdir).strip():
        raise ValueError(f"logdir must be a directory path, got {logdir!r}")
    root = pathlib.Path(logdir).expanduser()
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=root):
            pass
    except OSError as error:
        raise ValueError(f"cannot write TensorBoard logs to {str(logdir)!r}: {error.strerror or error}") from None
    return root


def run_dir_name(run_id: Any, name: str | None) -> str:
    """e.g. "run-12-lr=0.01_seed=2": the id, then the name with unsafe characters replaced."""
    slug = re.sub(r"[^A-Za-z0-9._=+-]+", "_", name or "").strip("_.")
    return f"run-{run_id}" + (f"-{slug}"[:MAX_DIR_NAME_CHARS] if slug else "")


def _checked(run: Any) -> dict:
    if not isinstance(run, dict) or any(key not in run for key in RUN_KEYS):
        raise ValueError(f"each run must be a dict with keys {', '.join(RUN_KEYS)}")
    if not isinstance(run["config"], dict):
        raise ValueError(f"run {run['id']}: config must be a dict of field: value")
    points = run["points"]
    if not isinstance(points, pd.DataFrame) or any(column not in points for column in ("step", *SCALARS)):
        raise ValueError(f"run {run['id']}: points must be a DataFrame with columns step, epoch, w, b, loss")
    return run


def _hparam_values(config: dict) -> dict[str, bool | int | float | str]:
    """The config with every value as a type the HParams plugin takes (others become text)."""
    return {
        str(key): value if isinstance(value, (bool, int, float, str)) else str(value) for key, value in config.items()
    }
