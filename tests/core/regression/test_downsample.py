"""Min-max downsampling keeps extremes, first and last rows, and stays within budget."""

from __future__ import annotations

import numpy as np
import pytest

from core.regression.downsample import joint_indices, minmax_indices


@pytest.mark.parametrize("count", [10, 2001, 2003, 1_000_003])
def test_extremes_and_ends_survive_within_budget(count: int) -> None:
    values = np.random.default_rng(count).standard_normal(count).astype(np.float32)
    keep = minmax_indices(values, 2000)
    assert len(keep) <= 2000 and keep[0] == 0 and keep[-1] == count - 1
    assert values[keep].min() == values.min() and values[keep].max() == values.max()
    assert (np.diff(keep) > 0).all()


def test_joint_indices_keep_every_series_extremes() -> None:
    rng = np.random.default_rng(0)
    series = [rng.standard_normal(50_000) for _ in range(3)]
    series[1][123] = np.nan
    keep = joint_indices(series, 200)
    assert len(keep) <= 200
    for values in series:
        assert np.nanmin(values[keep]) == np.nanmin(values) and np.nanmax(values[keep]) == np.nanmax(values)
