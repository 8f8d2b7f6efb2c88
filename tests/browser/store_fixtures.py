"""Browser-test fixtures that save runs into the run store of the dashboard that conftest's app_url serves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.regression.config import RegressionConfig
from core.store.run_store import RunStore


@pytest.fixture
def app_store(app_url: str, app_db: Path) -> Path:
    """The served dashboard's run database (app_url must be running, so it is requested too)."""
    return app_db


def save_ramp_run(db: Path, name: str, ramp: int, **config: object) -> int:
    """Save a 200-step run whose w and b ramp to the targets (5, 3) by step `ramp`."""
    step = np.arange(201)
    fraction = np.minimum(step / ramp, 1.0)
    w, b = 5.0 * fraction, 3.0 * fraction
    with RunStore(db) as store:
        return store.save_run(
            config=RegressionConfig(n_samples=100, **config).to_dict(),
            status="done",
            step=step,
            epoch=step // 100,
            w=w,
            b=b,
            loss=(5 - w) ** 2 + (3 - b) ** 2,
            name=name,
        )
