"""Trainer against the tutorial's own eager loop, across backends and optimizers, plus divergence and updates."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
import tensorflow as tf

from core.regression.config import ConfigError, RegressionConfig
from core.regression.data import least_squares, make_data
from core.regression.optimizers import keras_optimizer
from core.regression.trainer import Trainer


def tutorial_loop(config: RegressionConfig) -> tuple[list[float], list[float]]:
    """The tutorial's code, line for line (data from the seeded generator instead of tf.random.normal)."""
    x_np, y_np = make_data(config)
    x_data, y_data = tf.constant(x_np), tf.constant(y_np)
    w = tf.Variable(0, dtype=tf.float32)
    b = tf.Variable(0, dtype=tf.float32)

    def loss_func(target, pred):
        return (target - pred) ** 2

    epochs, lr = config.epochs, config.learning_rate
    w_trace, b_trace = [w.numpy()], [b.numpy()]
    for _ in range(epochs):
        for x, y in zip(x_data, y_data):
            with tf.GradientTape() as tape:
                pred = w * x + b
                loss = loss_func(target=y, pred=pred)
            gradients = tape.gradient(loss, [w, b])
            w.assign_sub(lr * gradients[0])
            b.assign_sub(lr * gradients[1])
            w_trace.append(w.numpy())
            b_trace.append(b.numpy())
    return w_trace, b_trace


@pytest.fixture(scope="module")
def default_runs() -> dict[str, Trainer]:
    runs = {backend: Trainer(RegressionConfig(), backend=backend) for backend in ("eager", "compiled")}
    for trainer in runs.values():
        trainer.run()
    return runs


def test_eager_backend_is_the_tutorial_loop_exactly(default_runs: dict[str, Trainer]) -> None:
    w_trace, b_trace = tutorial_loop(RegressionConfig())
    trace = default_runs["eager"].trace
    np.testing.assert_array_equal(trace["w"].to_numpy(), np.array(w_trace, np.float32))
    np.testing.assert_array_equal(trace["b"].to_numpy(), np.array(b_trace, np.float32))


def test_default_run_reaches_the_tutorials_title(default_runs: dict[str, Trainer]) -> None:
    for trainer in default_runs.values():
        assert trainer.status == "done"
        assert len(trainer.trace) == 2001
        assert f"Weight: {trainer.w:.2f}, Bias: {trainer.b:.2f}" == "Weight: 5.00, Bias: 3.00"
        assert list(trainer.trace.columns) == ["step", "epoch", "w", "b", "loss"]
        assert trainer.trace["step"].tolist() == list(range(2001))
        assert trainer.trace["epoch"].iloc[1000] == 0 and trainer.trace["epoch"].iloc[1001] == 1


def test_backends_agree_within_1e4_on_the_default_config(default_runs: dict[str, Trainer]) -> None:
    eager, compiled = default_runs["eager"].trace, default_runs["compiled"].trace
    assert np.abs(eager[["w", "b"]].to_numpy() - compiled[["w", "b"]].to_numpy()).max() <= 1e-4


MIXED = [
    RegressionConfig(n_samples=60, epochs=2, optimizer=opt, loss=loss, batch_size=batch, shuffle=shuffle, seed=3)
    for opt, loss, (batch, shuffle) in itertools.product(
        ("sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad"),
        ("mse", "mae", "huber"),
        ((1, False), (7, True)),
    )
]


@pytest.mark.parametrize("config", MIXED, ids=lambda c: f"{c.optimizer}-{c.loss}-b{c.batch_size}")
def test_backends_give_the_same_trace_for_every_config(config: RegressionConfig) -> None:
    eager = Trainer(config, "eager").run()
    compiled = Trainer(config, "compiled").run()
    assert len(eager) == len(compiled) == config.total_steps + 1
    assert np.abs(eager[["w", "b", "loss"]].to_numpy() - compiled[["w", "b", "loss"]].to_numpy()).max() <= 1e-4
    assert (eager["epoch"] == compiled["epoch"]).all()


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad"])
def test_each_optimizer_matches_tf_keras(optimizer: str) -> None:
    config = RegressionConfig(n_samples=200, epochs=1, optimizer=optimizer, learning_rate=0.05, noise_std=0.3)
    x_np, y_np = make_data(config)
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    keras = keras_optimizer(optimizer, config.learning_rate)
    reference = []
    for x, y in zip(x_np, y_np):
        with tf.GradientTape() as tape:
            loss = (y - (w * x + b)) ** 2
        keras.apply_gradients(zip(tape.gradient(loss, [w, b]), [w, b]))
        reference.append((w.numpy(), b.numpy()))
    for backend in ("eager", "compiled"):
        trace = Trainer(config, backend).run()
        np.testing.assert_allclose(trace[["w", "b"]].to_numpy()[1:], np.array(reference), atol=1e-5)


def test_step_returns_new_rows_and_step_zero_appears_once() -> None:
    trainer = Trainer(RegressionConfig(n_samples=10, epochs=1), "compiled")
    assert trainer.trace["step"].tolist() == [0]
    first = trainer.step(3)
    assert first["step"].tolist() == [1, 2, 3]
    second = trainer.step(100)
    assert second["step"].tolist() == list(range(4, 11))
    assert trainer.status == "done" and trainer.step(5).empty
    assert trainer.trace["step"].tolist() == list(range(11))


def test_data_is_deterministic_from_the_seed() -> None:
    first = Trainer(RegressionConfig(seed=7, noise_std=0.1)).data
    again = Trainer(RegressionConfig(seed=7, noise_std=0.1)).data
    other = Trainer(RegressionConfig(seed=8, noise_std=0.1)).data
    assert list(first.columns) == ["x", "y"] and len(first) == 1000
    assert first.equals(again) and not first.equals(other)


@pytest.mark.parametrize("backend", ["eager", "compiled"])
def test_divergence_stops_keeps_finite_trace_and_explains(backend: str) -> None:
    trainer = Trainer(RegressionConfig(learning_rate=5.0), backend)
    trainer.run()
    assert trainer.status == "diverged"
    assert np.isfinite(trainer.trace[["w", "b", "loss"]].to_numpy()).all()
    assert (trainer.trace[["w", "b"]].abs().to_numpy() <= 1e6).all()
    assert f"step {len(trainer.trace)}" in trainer.message
    assert trainer.total_steps == 2000, "the run's length does not change when it diverges"
    assert "smaller learning rate" in trainer.message and "2/λ_max" in trainer.message
    x = trainer.data["x"].to_numpy(np.float64)
    hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    assert f"{2 / np.linalg.eigvalsh(hessian).max():.4g}" in trainer.message


def test_least_squares_is_exposed_and_exact_without_noise() -> None:
    trainer = Trainer(RegressionConfig())
    w, b = trainer.least_squares
    assert w == pytest.approx(5.0, abs=1e-5) and b == pytest.approx(3.0, abs=1e-5)
    x, y = make_data(RegressionConfig(noise_std=1.0))
    assert least_squares(x, y) == pytest.approx(tuple(np.polyfit(x.astype(float), y.astype(float), 1)), abs=1e-9)


@pytest.mark.parametrize("backend", ["eager", "compiled"])
def test_update_mid_run_records_events_and_carries_on(backend: str) -> None:
    trainer = Trainer(RegressionConfig(), backend)
    trainer.step(500)
    w_before = trainer.w
    events = trainer.update(learning_rate=0.1, w_target=-2.0)
    assert [(e.step, e.field, e.old, e.new) for e in events] == [
        (500, "learning_rate", 0.01, 0.1),
        (500, "w_target", 5.0, -2.0),
    ]
    assert trainer.events == events
    assert trainer.data["y"].to_numpy() == pytest.approx(-2.0 * trainer.data["x"].to_numpy() + 3.0, abs=1e-5)
    assert trainer.trace["w"].iloc[-1] == pytest.approx(w_before)
    trainer.run()
    assert trainer.status == "done" and trainer.w == pytest.approx(-2.0, abs=1e-3)


def test_update_takes_effect_from_the_next_step() -> None:
    plain = Trainer(RegressionConfig(), "compiled")
    changed = Trainer(RegressionConfig(), "compiled")
    plain.step(100)
    changed.step(100)
    changed.update(learning_rate=0.05)
    plain.update(learning_rate=0.05)
    assert plain.step(50).equals(changed.step(50))
    reference = Trainer(RegressionConfig(), "compiled")
    reference.step(100)
    different = reference.step(50)
    assert not np.allclose(different["w"], plain.trace["w"].iloc[101:151])


def test_invalid_update_raises_and_leaves_the_trainer_unchanged() -> None:
    trainer = Trainer(RegressionConfig(), "compiled")
    trainer.step(10)
    before = (trainer.config, trainer.trace.copy(), list(trainer.events))
    with pytest.raises(ConfigError):
        trainer.update(learning_rate=-1)
    with pytest.raises(ConfigError):
        trainer.update(batch_size=5000)
    with pytest.raises(ConfigError):
        trainer.update(nonsense=1)
    assert trainer.config == before[0] and trainer.trace.equals(before[1]) and trainer.events == before[2]


def test_changing_epochs_extends_a_finished_run_and_shrinking_samples_moves_on() -> None:
    trainer = Trainer(RegressionConfig(n_samples=20, epochs=1), "compiled")
    trainer.run()
    assert trainer.status == "done"
    trainer.update(epochs=2)
    assert trainer.status == "running" and trainer.total_steps == 40
    trainer.step(15)
    trainer.update(n_samples=10)
    assert trainer.epoch == 2 and trainer.status == "done"


def test_optimizer_change_mid_run_resets_its_state() -> None:
    trainer = Trainer(RegressionConfig(n_samples=50, epochs=2), "compiled")
    trainer.step(30)
    trainer.update(optimizer="adam", learning_rate=0.05)
    trainer.run()
    assert trainer.status == "done" and [e.field for e in trainer.events] == ["optimizer", "learning_rate"]


def test_backend_must_be_known() -> None:
    with pytest.raises(ConfigError, match="eager"):
        Trainer(RegressionConfig(), backend="jax")


def test_million_step_run_uses_few_compiled_chunks() -> None:
    trainer = Trainer(RegressionConfig(n_samples=200_000, epochs=1), "compiled")
    trainer.run()
    assert trainer.status == "done" and trainer.steps_done == 200_000
    assert trainer.w == pytest.approx(5.0, abs=1e-3)


def test_compiled_functions_are_traced_once_per_optimizer_and_loss() -> None:
    from core.regression.backends import compiled_chunk

    config = RegressionConfig(n_samples=300, epochs=1, optimizer="nesterov", loss="mae")
    for steps in (1, 7, 50, 300):
        trainer = Trainer(config, "compiled")
        trainer.step(steps)
        trainer.update(learning_rate=0.05)
        trainer.run()
    assert compiled_chunk("nesterov", "mae").experimental_get_tracing_count() == 1


@pytest.mark.parametrize("backend", ["eager", "compiled"])
def test_a_new_initial_w_or_b_mid_run_sets_it_from_the_next_step(backend: str) -> None:
    trainer = Trainer(RegressionConfig(n_samples=50, optimizer="momentum"), backend)
    trainer.step(20)
    w_trained, b_trained = trainer.w, trainer.b
    events = trainer.update(w_init=8.0)
    assert [tuple(e) for e in events] == [(20, "w_init", 0.0, 8.0)]
    assert trainer.w == 8.0 and trainer.b == b_trained and trainer.trace["w"].iloc[-1] == pytest.approx(w_trained)
    trainer.update(b_init=-4.0)
    assert (trainer.w, trainer.b) == (8.0, -4.0)
    jumped = trainer.step(1)
    reference = Trainer(RegressionConfig(n_samples=50, optimizer="momentum"), backend)
    reference.step(20)
    reference._state = dataclasses.replace(reference._state, params=np.array([8.0, -4.0], np.float32))
    assert jumped[["w", "b", "loss"]].equals(reference.step(1)[["w", "b", "loss"]])
    assert abs(jumped["w"].iloc[0] - 8.0) < 1.0 and abs(jumped["b"].iloc[0] + 4.0) < 1.0


def test_before_the_first_step_a_new_initial_w_restarts_the_run() -> None:
    trainer = Trainer(RegressionConfig(), "compiled")
    assert trainer.update(w_init=8.0) == [] and trainer.events == []
    assert trainer.initial_config.w_init == 8.0 and trainer.trace["w"].tolist() == [8.0]


def test_changes_at_one_step_merge_into_one_event_per_field() -> None:
    trainer = Trainer(RegressionConfig(), "compiled")
    trainer.step(30)
    for rate in (0.02, 0.03, 0.05, 0.1):  # a slider moved notch by notch
        trainer.update(learning_rate=rate)
    trainer.update(w_target=-2.0)
    trainer.update(learning_rate=0.2)
    assert [tuple(e) for e in trainer.events] == [(30, "learning_rate", 0.01, 0.2), (30, "w_target", 5.0, -2.0)]
    trainer.step(5)
    trainer.update(learning_rate=0.1)
    assert [tuple(e) for e in trainer.events][-1] == (35, "learning_rate", 0.2, 0.1) and len(trainer.events) == 3


def test_a_change_undone_at_the_same_step_leaves_no_event_and_no_trace() -> None:
    plain = Trainer(RegressionConfig(n_samples=40, optimizer="adam"), "compiled")
    fiddled = Trainer(RegressionConfig(n_samples=40, optimizer="adam"), "compiled")
    plain.step(25)
    fiddled.step(25)
    fiddled.update(optimizer="rmsprop", w_init=3.0, n_samples=30)  # resets the slots, moves w, new data
    assert fiddled.w == 3.0 and len(fiddled.data) == 30
    fiddled.update(optimizer="adam", w_init=0.0, n_samples=40)
    assert fiddled.events == [] and fiddled.config == plain.config and fiddled.w == plain.w
    assert fiddled.step(40).equals(plain.step(40))


def test_merged_changes_run_like_the_net_change_made_once() -> None:
    merged = Trainer(RegressionConfig(n_samples=40, optimizer="momentum"), "compiled")
    once = Trainer(RegressionConfig(n_samples=40, optimizer="momentum"), "compiled")
    merged.step(10)
    once.step(10)
    merged.update(optimizer="adam")
    merged.update(learning_rate=0.5)
    merged.update(optimizer="rmsprop", learning_rate=0.05)
    once.update(optimizer="rmsprop", learning_rate=0.05)
    assert merged.events == once.events
    assert merged.step(30).equals(once.step(30))


def test_replaying_the_update_calls_at_their_steps_rebuilds_the_run() -> None:
    """What the engine client's replay log does after an engine restart: same calls, same steps, same run."""
    calls = [(15, {"learning_rate": 0.02}), (15, {"learning_rate": 0.05}), (15, {"w_init": 6.0}), (40, {"b_init": 1.0})]

    def play() -> Trainer:
        trainer = Trainer(RegressionConfig(n_samples=30), "compiled")
        for at, changes in calls:
            trainer.step(at - trainer.steps_done)
            trainer.update(**changes)
        trainer.run()
        return trainer

    first, replayed = play(), play()
    assert [tuple(e) for e in first.events] == [
        (15, "learning_rate", 0.01, 0.05),
        (15, "w_init", 0.0, 6.0),
        (40, "b_init", 0.0, 1.0),
    ]
    assert first.trace.equals(replayed.trace) and first.events == replayed.events
    assert first.trace["w"].iloc[15] != 6.0 and abs(first.trace["w"].iloc[16] - 6.0) < 1.0


def test_advance_makes_the_same_steps_as_step_without_building_rows() -> None:
    stepped, advanced = (Trainer(RegressionConfig(n_samples=30, epochs=2), backend="compiled") for _ in range(2))
    rows = stepped.step(45)
    assert advanced.advance(45) == 45 == len(rows)
    np.testing.assert_array_equal(advanced.trace_column("w"), stepped.trace_column("w"))
    assert advanced.advance(100) == 15 and advanced.status == "done" and advanced.advance(5) == 0


def _counting_compiled_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the number of steps of every compiled call (the real TensorFlow call still runs)."""
    from core.regression import backends

    calls: list[int] = []
    real = backends.BACKENDS["compiled"]

    def counted(x, y, indices, *args, **kwargs):
        calls.append(int(indices.shape[0]))
        return real(x, y, indices, *args, **kwargs)

    monkeypatch.setitem(backends.BACKENDS, "compiled", counted)
    return calls


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_small_ticks_take_the_steps_a_compiled_call_ran_ahead(monkeypatch: pytest.MonkeyPatch, optimizer: str) -> None:
    config = RegressionConfig(optimizer=optimizer, learning_rate=0.01)
    whole = Trainer(config, "compiled")
    whole.step(160)
    calls = _counting_compiled_calls(monkeypatch)
    ticked = Trainer(config, "compiled")
    for _ in range(10):
        assert ticked.advance(16) == 16
    assert len(calls) < 10, calls  # 16-step ticks take the steps their padded calls ran ahead
    np.testing.assert_array_equal(
        ticked.trace[["w", "b", "loss"]].to_numpy(), whole.trace[["w", "b", "loss"]].to_numpy()
    )
    np.testing.assert_array_equal(ticked._state.slots, whole._state.slots)
    assert ticked._state.iteration == whole._state.iteration == 160


def test_a_change_drops_the_steps_run_ahead_and_trains_with_the_new_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    config = RegressionConfig(optimizer="momentum")
    reference = Trainer(config, "eager")
    reference.step(16)
    reference.update(learning_rate=0.05)
    reference.step(16)
    calls = _counting_compiled_calls(monkeypatch)
    ticked = Trainer(config, "compiled")
    ticked.step(16)
    assert calls == [64]  # the call ran 48 steps past the tick
    ticked.update(learning_rate=0.05)
    ticked.step(16)
    assert len(calls) == 2  # those 48 steps were trained at the old rate: they were not used
    np.testing.assert_allclose(ticked.trace["w"].to_numpy(), reference.trace["w"].to_numpy(), rtol=1e-5, atol=1e-6)


def test_stop_when_converged_ends_on_that_step_from_one_call(monkeypatch: pytest.MonkeyPatch) -> None:
    config = RegressionConfig(stop_when_converged=True, learning_rate=0.05)
    eager = Trainer(config, "eager")
    eager.run()
    calls = _counting_compiled_calls(monkeypatch)
    compiled = Trainer(config, "compiled")
    compiled.run()
    assert compiled.status == "done" and compiled.steps_done == eager.steps_done == compiled.converged_step
    assert len(calls) == 1
    np.testing.assert_allclose(compiled.trace["w"].to_numpy(), eager.trace["w"].to_numpy(), rtol=1e-4, atol=1e-5)
