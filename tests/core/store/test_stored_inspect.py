"""core.store.stored_inspect: the data versions a stored run's data chart shows, each from the step it took effect."""

from __future__ import annotations

import numpy as np

from core.regression.config import RegressionConfig
from core.regression.data import make_data
from core.regression.trainer import Trainer
from core.store.stored_inspect import MAX_DATA_VERSIONS, chart_samples, data_versions


def test_each_data_change_starts_a_version_from_the_next_step() -> None:
    trainer = Trainer(RegressionConfig(n_samples=1200), backend="compiled")
    trainer.step(50)
    trainer.update(learning_rate=0.02)  # not a data change: no new version
    trainer.step(10)
    trainer.update(w_target=-2.0)
    trainer.update(b_target=1.0)  # the same step: one version, the data both changes leave
    trainer.step(40)
    versions = data_versions(trainer)
    assert [version["from_step"] for version in versions] == [0, 61]
    first_x, first_y = make_data(RegressionConfig(n_samples=1200))
    np.testing.assert_array_equal(versions[0]["x"], first_x[::2])  # 1,200 samples: every 2nd, at most 600
    np.testing.assert_array_equal(versions[0]["y"], first_y[::2])
    x, y = trainer.arrays
    np.testing.assert_array_equal(versions[1]["y"], y[::2])
    assert (versions[0]["w_target"], versions[1]["w_target"], versions[1]["b_target"]) == (5.0, -2.0, 1.0)
    samples = chart_samples(trainer)
    np.testing.assert_array_equal(samples["y"], y[::2])  # the top level is the data at the last step
    assert [version["from_step"] for version in samples["versions"]] == [0, 61]


def test_a_run_changed_many_times_keeps_its_latest_versions() -> None:
    trainer = Trainer(RegressionConfig(), backend="compiled")
    for target in range(MAX_DATA_VERSIONS + 3):
        trainer.step(5)
        trainer.update(w_target=float(target))
    versions = data_versions(trainer)
    assert len(versions) == MAX_DATA_VERSIONS
    assert versions[-1]["w_target"] == float(MAX_DATA_VERSIONS + 2) and versions[0]["from_step"] > 0
