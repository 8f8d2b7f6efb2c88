"""A stored run trained again from its final config and its changes gives the same trace, bit for bit."""

from __future__ import annotations

import numpy as np

from core.regression.config import RegressionConfig
from core.regression.step_rebuild import initial_config, rebuild
from core.regression.trainer import Trainer
from core.store.run_saving import event_dict


def test_the_rebuilt_run_is_the_run() -> None:
    trainer = Trainer(RegressionConfig(n_samples=100, epochs=5), backend="compiled")
    trainer.step(50)
    trainer.update(learning_rate=0.1)
    trainer.step(3)
    trainer.update(w_init=8.0, optimizer="adam", batch_size=4)
    trainer.step(100)
    events = [event_dict(event) for event in trainer.events]
    assert initial_config(trainer.config, events) == RegressionConfig(n_samples=100, epochs=5)
    again = rebuild(trainer.config, events, trainer.steps_done)
    assert again.steps_done == trainer.steps_done
    for name in ("w", "b", "loss"):
        np.testing.assert_array_equal(again.trace_column(name), trainer.trace_column(name))
