"""Compare's steps to converge for runs on other data than the tutorial's: the step saved with the run."""

from __future__ import annotations

import pandas as pd

from core.store.compare import converged_at


def test_other_data_uses_the_stored_step_and_synthetic_computes_it() -> None:
    trace = pd.DataFrame({"step": [0, 1, 2], "w": [0.0, 5.0, 5.0], "b": [0.0, 3.0, 3.0]})
    assert converged_at(trace, {"w_target": 5.0, "b_target": 3.0}, stored=99) == 1
    assert converged_at(trace, {"data_source": "curved", "w_target": 5.0, "b_target": 3.0}, stored=7) == 7
    assert converged_at(trace, {"data_source": "csv"}) is None
