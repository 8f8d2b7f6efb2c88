"""core.regression.live_view: what a live tick sends, from a real Trainer: bounded series, samples, surface."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.regression import live_view
from core.regression.config import RegressionConfig
from core.regression.data import mean_loss
from core.regression.smoothing import EmaCache
from core.regression.trainer import Trainer


@pytest.fixture(scope="module")
def trainer() -> Trainer:
    run = Trainer(RegressionConfig(n_samples=3000, epochs=1, batch_size=2, noise_std=0.5, learning_rate=0.05))
    run.step(1200)
    return run


def test_series_are_bounded_and_keep_the_first_last_and_extreme_rows(trainer: Trainer) -> None:
    trace = trainer.trace
    series = live_view.series(trainer, max_points=100)
    for name in ("w", "b", "loss"):
        steps, values = series[name]["step"], series[name]["value"]
        assert len(steps) <= 100 and steps[0] == 0 and steps[-1] == 1200 and np.all(np.diff(steps) > 0)
        np.testing.assert_array_equal(values, trace[name].to_numpy()[steps])
        assert values.max() == trace[name].max() and values.min() == trace[name].min()
    assert len(live_view.series(trainer)["w"]["step"]) == 1201  # under the limit nothing is dropped


def test_the_trajectory_keeps_w_and_b_aligned(trainer: Trainer) -> None:
    path = live_view.trajectory(trainer, max_points=60)
    assert len(path["step"]) <= 60
    np.testing.assert_array_equal(path["w"], trainer.trace["w"].to_numpy()[path["step"]])
    np.testing.assert_array_equal(path["b"], trainer.trace["b"].to_numpy()[path["step"]])


def test_samples_batch_and_mean_loss(trainer: Trainer) -> None:
    x, y = trainer.arrays
    shown = live_view.samples(trainer)
    assert len(shown["x"]) <= live_view.MAX_SAMPLE_POINTS and shown["x"][1] == x[5] and shown["y"][0] == y[0]
    batch = live_view.current_batch(trainer)
    np.testing.assert_array_equal(batch["x"], x[[2398, 2399]])  # step 1200 used samples 2398 and 2399
    assert live_view.data_mean_loss(trainer) == pytest.approx(mean_loss(x, y, trainer.w, trainer.b, "mse"))
    w, b = trainer.least_squares
    assert live_view.data_mean_loss(trainer, (w, b)) == pytest.approx(np.mean((y - (w * x + b)) ** 2), rel=1e-5)


def test_the_surface_box_holds_target_start_optimum_and_path(trainer: Trainer) -> None:
    path = live_view.trajectory(trainer)
    box = live_view.surface_box(trainer, path)
    points = [(5.0, 3.0), (0.0, 0.0), trainer.least_squares, (path["w"].max(), path["b"].max())]
    assert all(box[0] <= w <= box[1] and box[2] <= b <= box[3] for w, b in points)
    assert all(float(f"{value:.2g}") == value for value in box)  # rounded, so it rarely changes
    surface = live_view.surface(trainer, box)
    assert surface.w_values[0] == box[0] and surface.b_values[-1] == box[3] and surface.loss.min() >= 0


def test_the_smoothed_loss_is_the_ema_and_empty_when_off(trainer: Trainer) -> None:
    off = live_view.smoothed_loss(trainer, EmaCache(), 0.0)
    assert len(off["step"]) == 0 and len(off["value"]) == 0
    smoothed = live_view.smoothed_loss(trainer, EmaCache(), 0.9, max_points=80)
    ema = pd.Series(trainer.trace["loss"].to_numpy(np.float64)).ewm(alpha=0.1, adjust=False).mean().to_numpy()
    assert len(smoothed["step"]) <= 80 and smoothed["value"].dtype == np.float32
    np.testing.assert_allclose(smoothed["value"], ema[smoothed["step"]], rtol=1e-6)


def test_new_rows_are_the_rows_after_a_step_with_the_ema_of_the_whole_run(trainer: Trainer) -> None:
    rows = live_view.new_rows(trainer, EmaCache(), 0.9, since=1190)
    assert rows["from"] == 1190 and rows["step"].tolist() == list(range(1191, 1201))
    assert rows["w"].tolist() == trainer.trace_column("w")[1191:].astype(np.float32).tolist()
    whole = live_view.smoothed_loss(trainer, EmaCache(), 0.9, max_points=10_000)
    assert rows["ema"].tolist() == whole["value"][1191:].tolist()
    assert "ema" not in live_view.new_rows(trainer, EmaCache(), 0.0, since=1190)
    assert len(live_view.new_rows(trainer, EmaCache(), 0.0, since=1200)["step"]) == 0


def test_a_large_chunk_of_new_rows_is_bounded_and_keeps_its_extremes_and_last_row(trainer: Trainer) -> None:
    rows = live_view.new_rows(trainer, EmaCache(), 0.9, since=0, max_points=40)
    assert len(rows["step"]) <= 40 and rows["step"][0] == 1 and rows["step"][-1] == 1200
    for name in ("w", "b", "loss"):
        values = trainer.trace_column(name)[1:].astype(np.float32)
        assert (rows[name].min(), rows[name].max()) == (values.min(), values.max())


def test_the_path_extent_grows_with_new_rows_and_restarts_with_a_new_run() -> None:
    run = Trainer(RegressionConfig(n_samples=100, epochs=1, learning_rate=0.05))
    extent = live_view.PathExtent()
    run.step(10)
    extent.update(run)
    run.step(50)
    grown = extent.update(run)
    w, b = run.trace_column("w"), run.trace_column("b")
    assert grown["w"].tolist() == [w.min(), w.max()] and grown["b"].tolist() == [b.min(), b.max()]
    run.update(w_target=-5.0)  # new data: a different path from here on, the old extent still holds
    run.step(20)
    assert extent.update(run)["w"].tolist() == [run.trace_column("w").min(), run.trace_column("w").max()]


def test_the_drawn_surface_box_stays_while_it_holds_the_path_and_is_not_far_too_big(trainer: Trainer) -> None:
    path = live_view.trajectory(trainer)
    box = live_view.surface_box(trainer, path)
    wider = (box[0] - 0.5, box[1] + 0.5, box[2] - 0.5, box[3] + 0.5)
    assert live_view.surface_box(trainer, path, keep=wider) == wider
    huge = (box[0] - 100, box[1] + 100, box[2] - 100, box[3] + 100)
    assert live_view.surface_box(trainer, path, keep=huge) == box
    small = (4.9, 5.1, 2.9, 3.1)  # around the target only: not the start (0, 0) nor the path
    assert live_view.surface_box(trainer, path, keep=small) == box
