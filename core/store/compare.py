"""Compare-page data from run-store rows: the runs table, config differences, baseline deltas, chart series, exports."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from core.regression.config import RegressionConfig, steps_per_epoch
from core.regression.convergence import steps_to_converge
from core.regression.data import least_squares, make_data
from core.regression.dataset import Datasets
from core.regression.fields import FIELD_NAMES, KEY_COLUMNS
from core.regression.landscape import bounds, mean_loss_surface
from core.regression.smoothing import ema_by_step
from core.store.json_values import finite
from core.store.points import POINT_COLUMNS
from core.store.run_changes import event_marks, target_path

DEFAULTS = RegressionConfig()
FINAL_LOSS = "final loss (mean over data)"  # run["final_loss"]: the mean loss over all the data at the final w, b
STEP_LOSS = "last step's loss"  # run["final_step_loss"]: the loss the tape recorded at the last step
TABLE_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "status",
    *KEY_COLUMNS.values(),
    "final w",
    "final b",
    FINAL_LOSS,
    STEP_LOSS,
    "steps",
    "created (UTC)",
    "tags",
    "sweep",
)
X_AXES: tuple[str, ...] = ("step", "epoch")


def setting(config: Mapping[str, Any], field: str) -> Any:
    """A stored config's value for field, or the default when an older run did not record it."""
    return config.get(field, getattr(DEFAULTS, field))


def run_labels(runs: list[dict]) -> dict[int, str]:
    """Chart labels by run id: the run's name, with " (#id)" added where two runs share a name."""
    counts = Counter(run["name"] for run in runs)
    return {run["id"]: run["name"] if counts[run["name"]] == 1 else f"{run['name']} (#{run['id']})" for run in runs}


def runs_frame(runs: list[dict]) -> pd.DataFrame:
    """One row a run: name, status, key hyperparameters, final w, b, both losses, steps, created, tags, sweep."""
    rows = [
        (
            run["id"],
            run["name"],
            run["status"],
            *(run["config"].get(field) for field in KEY_COLUMNS),
            run["final_w"],
            run["final_b"],
            run["final_loss"],
            run.get("final_step_loss"),
            run["steps"],
            run["created_at"][:19].replace("T", " "),
            ", ".join(run["tags"]),
            run["sweep_id"] or "",
        )
        for run in runs
    ]
    frame = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    for column in ("final w", "final b", FINAL_LOSS, STEP_LOSS):
        frame[column] = frame[column].astype("float64")
    return frame


def config_frame(runs: list[dict], differences_only: bool = False) -> pd.DataFrame:
    """Each run's config as a row (fields as columns); with differences_only, just the fields that differ."""
    extra = sorted({key for run in runs for key in run["config"] if key not in FIELD_NAMES})
    fields = [*FIELD_NAMES, *extra]
    labels = run_labels(runs)
    frame = pd.DataFrame(
        [[run["config"].get(field) for field in fields] for run in runs],
        index=pd.Index([labels[run["id"]] for run in runs], name="run"),
        columns=fields,
    )
    if differences_only:
        frame = frame[[field for field in fields if len({repr(value) for value in frame[field]}) > 1]]
    return frame


def converged_at(points: pd.DataFrame, config: Mapping[str, Any], stored: int | None = None) -> int | None:
    """First step from which |w − w*| < 0.01 and |b − b*| < 0.01 hold to the end (w*, b*: the run's targets).

    Runs on other data than the tutorial's synthetic line were judged on their loss when they ran
    (core.regression.convergence): for them the step saved with the run (stored) is the answer.
    """
    if config.get("data_source", "synthetic") != "synthetic":
        return stored
    return steps_to_converge(points, float(setting(config, "w_target")), float(setting(config, "b_target")))


def baseline_frame(runs: list[dict], converged: Mapping[int, int | None], baseline_id: int) -> pd.DataFrame:
    """Final w, b, mean loss and steps to converge of each run with its difference to the baseline's; the last
    step's loss too."""
    base = next(run for run in runs if run["id"] == baseline_id)
    labels = run_labels(runs)
    rows = []
    for run in runs:
        row: dict[str, Any] = {"run": labels[run["id"]] + (" (baseline)" if run["id"] == baseline_id else "")}
        for name, column in (("w", "final w"), ("b", "final b"), ("loss", FINAL_LOSS)):
            row[column] = run[f"final_{name}"]
            row[f"Δ {name}"] = _minus(run[f"final_{name}"], base[f"final_{name}"])
        row[STEP_LOSS] = run.get("final_step_loss")
        row["converged at step"] = converged.get(run["id"])
        row["Δ steps"] = _minus(converged.get(run["id"]), converged.get(baseline_id))
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.astype({column: "float64" for column in frame.columns if column != "run"})


def _minus(value: float | None, base: float | None) -> float | None:
    return None if value is None or base is None else value - base


def x_values(points: pd.DataFrame, config: Mapping[str, Any], axis: str) -> np.ndarray:
    """The chart's x: the step, or the epochs completed after it (fractional).

    Epoch boundaries come from the recorded epoch column (the epoch each update belonged to), so mid-run
    changes of batch_size or n_samples, which change the steps per epoch, still land on whole numbers.
    """
    steps = points["step"].to_numpy()
    if axis == "step":
        return steps
    epochs = points["epoch"].to_numpy()
    per_epoch = max(steps_per_epoch(int(setting(config, "n_samples")), int(setting(config, "batch_size"))), 1)
    updates = steps > 0
    firsts = {int(e): int(steps[updates & (epochs == e)].min()) for e in np.unique(epochs[updates])}
    ordered = sorted(firsts)
    result = np.zeros(len(steps), dtype=float)
    for index, epoch in enumerate(ordered):
        first = firsts[epoch]
        count = firsts[ordered[index + 1]] - first if index + 1 < len(ordered) else per_epoch
        where = updates & (epochs == epoch)
        result[where] = epoch + (steps[where] - first + 1) / max(count, 1)
    return result


def chart_series(run: dict, points: pd.DataFrame, label: str, axis: str, smoothing: float) -> dict[str, Any]:
    """What a chart draws of one run: x, w, b, the loss (smoothed, with the raw loss beside it), the targets as
    step-wise lines that follow mid-run changes, and the mid-run changes as marks."""
    steps = points["step"].to_numpy()
    x = x_values(points, run["config"], axis)
    w, b, raw = (points[column].to_numpy(dtype=np.float64) for column in ("w", "b", "loss"))
    loss = ema_by_step(steps, raw, smoothing)
    targets = {field: float(setting(run["config"], field)) for field in ("w_target", "b_target")}
    return {
        "id": run["id"],
        "label": label,
        "status": run["status"],
        "x": x,
        "w": w,
        "b": b,
        "loss": loss,
        "raw_loss": raw if smoothing > 0 else None,
        "smoothing": smoothing,
        **targets,
        **{f"{field}_path": target_path(run, field, value, steps, x) for field, value in targets.items()},
        "events": event_marks(run, steps, x, {"w": w, "b": b, "loss": loss}),
    }


def landscape_paths(runs: list[dict], points: Mapping[int, pd.DataFrame]) -> list[dict[str, Any]]:
    """Each run's (w, b) path, labelled, for the shared landscape."""
    labels = run_labels(runs)
    return [
        {"label": labels[run["id"]], "w": points[run["id"]]["w"].to_numpy(), "b": points[run["id"]]["b"].to_numpy()}
        for run in runs
    ]


def landscape_box(runs: list[dict], paths: list[dict[str, Any]]) -> tuple[float, ...]:
    """A box holding every run's target and start, and the paths of the runs that did not diverge."""
    settled = [path for path, run in zip(paths, runs) if run["status"] != "diverged"] or paths
    corners = [(setting(run["config"], "w_target"), setting(run["config"], "b_target")) for run in runs]
    corners += [(setting(run["config"], "w_init"), setting(run["config"], "b_init")) for run in runs]
    for path in settled:
        if np.isfinite(path["w"]).any() and np.isfinite(path["b"]).any():
            corners += [(np.nanmin(path["w"]), np.nanmin(path["b"])), (np.nanmax(path["w"]), np.nanmax(path["b"]))]
    return bounds(corners)


def data_surface(
    config: RegressionConfig, box: tuple[float, ...], datasets: Datasets | None = None
) -> tuple[dict[str, np.ndarray], tuple[float, float]]:
    """The mean-loss grid over box for a config's data and loss, and the data's least-squares (w, b). A run on
    uploaded data needs its data set in datasets (by hash), else ConfigError names it."""
    x, y = make_data(config, datasets)
    surface = mean_loss_surface(x, y, config.loss, box)
    return {"w": surface.w_values, "b": surface.b_values, "loss": surface.loss}, least_squares(x, y)


def long_csv(runs: list[dict], points: Mapping[int, pd.DataFrame]) -> str:
    """Every run's points as one long table: run_id, name, step, epoch, w, b, loss."""
    frames = [points[run["id"]].assign(run_id=run["id"], name=run["name"]) for run in runs]
    columns = ["run_id", "name", *POINT_COLUMNS]
    table = pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    return table.to_csv(index=False)


def runs_json(runs: list[dict], points: Mapping[int, pd.DataFrame]) -> str:
    """The runs (fields, config, events) each with its points as columns; non-finite numbers become null."""
    exported = [
        {**run, "points": {column: points[run["id"]][column].tolist() for column in POINT_COLUMNS}} for run in runs
    ]
    return json.dumps(finite({"runs": exported}))
