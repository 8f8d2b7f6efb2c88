"""core.regression.convergence: the first step from which (w, b) stays within 0.01 of the targets."""

from __future__ import annotations

import pandas as pd

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
