"""When a run has converged: the first step from which (w, b) stays near the targets to the end of its trace."""

from __future__ import annotations

import numpy as np
import pandas as pd

CONVERGED_WITHIN = 0.01


def steps_to_converge(
    trace: pd.DataFrame, w_star: float, b_star: float, within: float = CONVERGED_WITHIN
) -> int | None:
    """First step from which |w − w*| < within and |b − b*| < within hold for the rest of the trace."""
    close = (np.abs(trace["w"].to_numpy() - w_star) < within) & (np.abs(trace["b"].to_numpy() - b_star) < within)
    if len(close) == 0 or not close[-1]:
        return None
    far = np.flatnonzero(~close)
    return int(trace["step"].iloc[far[-1] + 1]) if len(far) else int(trace["step"].iloc[0])
