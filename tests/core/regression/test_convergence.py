"""core.regression.convergence: the first step from which (w, b) stays within 0.01 of the targets."""

from __future__ import annotations

import pandas as pd
import pytest

from core.regression.convergence import steps_to_converge


def test_steps_to_converge_needs_the_trace_to_stay_close() -> None:
    trace = pd.DataFrame({"step": [0, 1, 2, 3], "w": [0.0, 5.0, 4.0, 5.0], "b": [3.0, 3.0, 3.0, 3.005]})
    assert steps_to_converge(trace, 5.0, 3.0) == 3
    assert steps_to_converge(trace.iloc[:3], 5.0, 3.0) is None
    assert steps_to_converge(trace.assign(w=5.0), 5.0, 3.0) == 0


def test_the_bound_is_strict_and_steps_come_from_the_step_column() -> None:
    trace = pd.DataFrame({"step": [10, 20, 30], "w": [5.0, 5.5, 5.0], "b": [3.0, 3.0, 3.0]})
    assert steps_to_converge(trace, 5.0, 3.0) == 30
    assert steps_to_converge(trace, 5.0, 3.0, within=0.5) == 30  # |Δw| = 0.5 is not < 0.5
    assert steps_to_converge(trace, 5.0, 3.0, within=0.6) == 10
    assert steps_to_converge(trace.assign(b=2.0), 5.0, 3.0) is None
    assert steps_to_converge(trace.iloc[:0], 5.0, 3.0) is None


def test_the_loss_criterion_is_within_one_percent_of_the_least_squares_loss() -> None:
    import numpy as np

    from core.regression.convergence import LossCriterion
    from core.regression.data import least_squares, mean_loss

    rng = np.random.default_rng(0)
    x = rng.standard_normal(300)
    y = x**2 + rng.standard_normal(300) * 0.1
    w, b = least_squares(x, y)
    best = mean_loss(x, y, w, b, "mse")
    for loss in ("mse", "mae", "huber"):
        criterion = LossCriterion.of(x, y, loss)
        losses = criterion.mean_losses(np.array([w, w + 1]), np.array([b, b]))
        assert np.allclose(losses[0], mean_loss(x, y, w, b, loss))
        assert criterion.close(np.array([w, w + 1]), np.array([b, b])).tolist() == [True, False]
    mse = LossCriterion.of(x, y, "mse")
    assert mse.bound == pytest.approx(best * 1.01, rel=1e-9)


def test_the_tracker_follows_a_growing_trace_like_the_whole_trace_check() -> None:
    import numpy as np

    from core.regression.convergence import ConvergenceTracker

    w = np.array([0.0, 5.0, 4.0, 5.0, 5.0, 4.0, 5.0, 5.0])
    tracker = ConvergenceTracker((5.0, 3.0))
    answers = [tracker.update(np.arange(i, i + 2), w[i : i + 2], np.full(2, 3.0)) for i in range(0, 8, 2)]
    assert answers == [1, 3, None, 6]
    trace = pd.DataFrame({"step": np.arange(8), "w": w, "b": np.full(8, 3.0)})
    assert steps_to_converge(trace, 5.0, 3.0) == 6
