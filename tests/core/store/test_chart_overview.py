"""core.store.chart_overview: a run's chart frame and steps to converge, built from its full points and packed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.regression.convergence import steps_to_converge
from core.regression.downsample import joint_indices
from core.store.chart_overview import (
    CHART_POINTS,
    ROW_BYTES,
    ChartOverview,
    overview_of,
    overview_of_columns,
    unpacked,
)
from core.store.points import point_columns

SYNTHETIC = {"w_target": 5.0, "b_target": 3.0}


def points(n: int, seed: int = 0) -> pd.DataFrame:
    """A noisy run settling on w = 5, b = 3, with NaN in each float column and spikes for the downsampling."""
    rng = np.random.default_rng(seed)
    step = np.arange(n) * 3 + 1  # not 0..n-1, so a lost step column would show
    fade = np.exp(-np.arange(n) / max(n / 8, 1))
    w = 5.0 - 5.0 * fade + rng.normal(0, 1e-3, n)
    b = 3.0 - 3.0 * fade + rng.normal(0, 1e-3, n)
    loss = fade**2 + rng.random(n) * 1e-4
    if n > 10:
        w[3], b[4], loss[5] = np.nan, np.nan, np.nan
        w[n // 2] = 40.0  # a spike the chart must keep
    return pd.DataFrame(point_columns(step, step // 100, w, b, loss))


@pytest.mark.parametrize("n", [0, 1, 2000, 2001, 100_000])
def test_the_overview_is_the_joint_downsample_and_the_convergence_of_the_full_points(n: int) -> None:
    full = points(n)
    overview = overview_of(full, SYNTHETIC, None)
    if n > CHART_POINTS:
        keep = joint_indices([full[name].to_numpy() for name in ("w", "b", "loss")], CHART_POINTS)
        expected = full.iloc[keep].reset_index(drop=True)
        assert len(overview.frame) <= CHART_POINTS and overview.frame["w"].max() == 40.0
    else:
        expected = full
    pd.testing.assert_frame_equal(overview.frame, expected)
    assert overview.n_points == n
    assert overview.converged_step == steps_to_converge(full, 5.0, 3.0)
    if n >= 2000:
        assert overview.converged_step is not None and overview.converged_step > full["step"].iloc[0]


@pytest.mark.parametrize("n", [0, 1, 2000, 2001, 100_000])
def test_packing_round_trips_every_column_and_nan(n: int) -> None:
    overview = overview_of(points(n), SYNTHETIC, None)
    data = overview.chart_bytes()
    assert len(data) == ROW_BYTES * len(overview.frame)
    back = unpacked(memoryview(data), overview.converged_step, overview.n_points)  # psycopg may hand a memoryview
    pd.testing.assert_frame_equal(back.frame, overview.frame)
    assert (back.converged_step, back.n_points) == (overview.converged_step, n)
    assert list(back.frame.dtypes) == [np.dtype("int64")] * 2 + [np.dtype("float64")] * 3
    if n > 10:
        assert back.frame[["w", "b", "loss"]].isna().sum().tolist() == [1, 1, 1]


def test_the_bytes_are_little_endian_columns_one_after_the_other() -> None:
    frame = pd.DataFrame({"step": [1, 2], "epoch": [0, 1], "w": [0.5, np.nan], "b": [-1.0, 2.0], "loss": [4.0, 1.0]})
    data = ChartOverview(frame, None, 2).chart_bytes()
    assert data[:16] == (1).to_bytes(8, "little") + (2).to_bytes(8, "little")
    assert np.frombuffer(data[32:48], "<f8")[0] == 0.5 and np.isnan(np.frombuffer(data[32:48], "<f8")[1])
    assert np.frombuffer(data[64:80], "<f8").tolist() == [4.0, 1.0]


def test_other_data_keeps_the_convergence_step_saved_with_the_run() -> None:
    full = points(3000)
    assert overview_of(full, {"data_source": "outliers"}, 17).converged_step == 17
    assert overview_of(full, {"data_source": "outliers"}, None).converged_step is None
    assert overview_of(full, SYNTHETIC, 17).converged_step == steps_to_converge(full, 5.0, 3.0) != 17


def test_columns_in_hand_give_the_same_overview_as_the_points_read_back() -> None:
    full = points(5000)
    from_columns = overview_of_columns({name: full[name].to_numpy() for name in full}, SYNTHETIC, None)
    keep = joint_indices([full[name].to_numpy() for name in ("w", "b", "loss")], CHART_POINTS)
    pd.testing.assert_frame_equal(from_columns.frame, full.iloc[keep].reset_index(drop=True))
    assert from_columns.converged_step == overview_of(full, SYNTHETIC, None).converged_step


def test_a_blob_that_is_not_whole_rows_is_refused() -> None:
    with pytest.raises(ValueError, match="not a whole number of 40-byte rows"):
        unpacked(b"\x00" * 41, None, 1)
