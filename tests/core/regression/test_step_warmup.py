"""The replay warm-up: one replay shape per run, compiled ahead in a background thread, once per shape; an inspect
that comes while it compiles waits for it."""

from __future__ import annotations

import numpy as np

from core.regression import backends, step_compiling, step_replay
from core.regression.config import RegressionConfig
from core.regression.step_checkpoints import replay_capacity
from core.regression.step_replay import inspect_step
from core.regression.step_warmup import warm_in_background, warm_key, warm_replay
from core.regression.trainer import Trainer


def test_every_compiled_replay_of_a_run_runs_at_its_one_capacity(monkeypatch) -> None:
    trainer = Trainer(RegressionConfig(n_samples=300, epochs=2, optimizer="momentum"), backend="compiled")
    trainer.run()
    capacities: list[int] = []
    run_compiled = backends.run_compiled

    def recording(*args, capacity: int = 0):
        capacities.append(max(backends.chunk_capacity(args[2].shape[0]), capacity))
        return run_compiled(*args, capacity=capacity)

    monkeypatch.setitem(backends.BACKENDS, "compiled", recording)
    for k in (1, 2, 17, 300, 301, 599, 600):
        record = inspect_step(trainer, k)
        assert np.float32(record["w_after"]) == trainer.trace_column("w")[k]  # still the trace, bit for bit
    assert set(capacities) == {replay_capacity("compiled", 1)} == {1 << 16}
    assert replay_capacity("eager", 1) == 0 and replay_capacity("compiled", 1000) == 64


def test_the_warm_up_runs_the_replay_shape_once_per_process() -> None:
    config = RegressionConfig(n_samples=77, optimizer="adagrad", loss="huber", batch_size=5)
    trainer = Trainer(config, backend="compiled")
    thread = warm_in_background(trainer)
    assert thread is not None and thread.daemon
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert warm_in_background(trainer) is None  # warm already: nothing started
    assert (
        warm_replay(config, "compiled", 77)
        == warm_key(config, "compiled", 77)
        == (
            "compiled",
            "adagrad",
            "huber",
            5,
            77,
        )
    )
    trainer.run()  # 16 batches of 5 a epoch, 2 epochs
    assert np.float32(inspect_step(trainer, 20)["w_after"]) == trainer.trace_column("w")[20]


def test_an_inspect_during_the_warm_up_waits_for_it_instead_of_compiling_beside_it(monkeypatch) -> None:
    config = RegressionConfig(n_samples=53, optimizer="rmsprop", loss="mae", batch_size=7)
    trainer = Trainer(config, backend="compiled")
    trainer.run()
    waits: list[bool] = []
    wait = step_compiling.wait_for_warmup
    monkeypatch.setattr(step_replay, "wait_for_warmup", lambda *args: waits.append(wait(*args)) or waits[-1])
    thread = warm_in_background(trainer)
    assert thread is not None and thread.is_alive()  # compiling: XLA takes a good part of a second
    record = inspect_step(trainer, 9)
    assert waits == [True] and not thread.is_alive()  # the inspect waited for the warm-up to finish
    assert np.float32(record["w_after"]) == trainer.trace_column("w")[9]
    inspect_step(trainer, 10)
    assert waits == [True, False]  # warm now: nothing to wait for
