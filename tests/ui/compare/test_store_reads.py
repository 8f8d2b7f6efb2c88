"""ui.compare.store_reads: each run's share of a chart's point budget, and the series and steps to converge it reads
from the store's chart overviews."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.regression.downsample import joint_indices
from core.store.compare import converged_at
from core.store.run_store import RunStore
from ui.compare import store_reads
from ui.compare.store_reads import CHART_POINTS, MIN_RUN_POINTS, POINT_BUDGET, points_per_run


def test_few_runs_keep_every_chart_point_and_many_share_the_budget_down_to_a_floor() -> None:
    assert points_per_run(1) == points_per_run(12) == CHART_POINTS == 2000
    assert points_per_run(100) == 250 and points_per_run(1000) == 25 == MIN_RUN_POINTS
    assert points_per_run(10_000) == MIN_RUN_POINTS  # the floor, past the budget
    assert all(count * points_per_run(count) <= POINT_BUDGET for count in (13, 100, 333, 1000))


def saved_store(path: Path) -> list[dict]:
    """A store of runs of 1, 2,000, 2,001 (on other data) and 250,001 points, each with a NaN w; returns its runs."""
    runs = []
    for n, config in ((1, {}), (2000, {"learning_rate": 0.1}), (2001, {"data_source": "outliers"}), (250_001, {})):
        step = np.arange(n)
        fade = np.exp(-step / 300)
        w = 5.0 - 5.0 * fade + np.sin(step) * 1e-3
        w[n // 2 : n // 2 + 1] = np.nan
        runs.append(
            {
                "config": config,
                "status": "done",
                "converged_step": 9 if "data_source" in config else None,
                "step": step,
                "epoch": step // 100,
                "w": w,
                "b": 3.0 - 3.0 * fade,
                "loss": fade**2,
            }
        )
    with RunStore(path) as store:
        store.save_runs(runs)
        return store.list_runs()


def test_a_back_filled_store_gives_the_compare_page_the_same_series_and_steps_as_a_fresh_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_path, old_path = tmp_path / "fresh.sqlite3", tmp_path / "old.sqlite3"
    runs = saved_store(fresh_path)
    with sqlite3.connect(fresh_path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(fresh_path, old_path)
    with sqlite3.connect(old_path) as connection:  # as if saved before run_overviews: read once, then kept
        connection.execute("DELETE FROM run_overviews")
    drawn = {}
    for path in (fresh_path, old_path):
        monkeypatch.setenv("TAPESTREAM_DB", str(path))
        drawn[path] = (store_reads.chart_points(runs), store_reads.convergence_steps(runs))
    with sqlite3.connect(old_path) as connection:
        assert connection.execute("SELECT count(*) FROM run_overviews").fetchone()[0] == len(runs)
    with RunStore(fresh_path) as store:
        for run in runs:
            full = store.points(run["id"])
            keep = joint_indices([full[name].to_numpy() for name in ("w", "b", "loss")], CHART_POINTS)
            expected = full if len(full) <= CHART_POINTS else full.iloc[keep].reset_index(drop=True)
            converged = converged_at(full, run["config"], run["converged_step"])  # on every point, however long
            for series, steps in drawn.values():
                pd.testing.assert_frame_equal(series[run["id"]], expected)
                assert steps[run["id"]] == converged
    by_length = {run["steps"] + 1: drawn[fresh_path][1][run["id"]] for run in runs}
    assert by_length[2001] == 9  # other data keeps the step saved with it
    assert by_length[2000] is not None and by_length[1] is None  # a lone NaN never converged
    assert (
        by_length[250_001] == 125_001
    )  # the step after its NaN, on all 250,001 points (its 2,000-point chart: 125,251)
