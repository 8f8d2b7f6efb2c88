"""The step inspector's replay against an independent run of the tutorial's eager loop, tf.keras, and the trace."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from core.regression.config import ConfigError, RegressionConfig
from core.regression.data import make_data
from core.regression.optimizers import keras_optimizer
from core.regression.step_replay import inspect_step
from core.regression.trainer import Trainer

OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad")


def tutorial_steps(config: RegressionConfig, lr_at: dict[int, float] | None = None) -> list[dict[str, float]]:
    """The tutorial's loop, line for line, logging each step's sample, prediction, loss, gradients and w, b after."""
    x_np, y_np = make_data(config)
    x_data, y_data = tf.constant(x_np), tf.constant(y_np)
    w = tf.Variable(config.w_init, dtype=tf.float32)
    b = tf.Variable(config.b_init, dtype=tf.float32)

    def loss_func(target, pred):
        return (target - pred) ** 2

    lr, steps = config.learning_rate, []
    for _ in range(config.epochs):
        for x, y in zip(x_data, y_data):
            lr = (lr_at or {}).get(len(steps), lr)
            w_before, b_before = w.numpy(), b.numpy()
            with tf.GradientTape() as tape:
                pred = w * x + b
                loss = loss_func(target=y, pred=pred)
            gradients = tape.gradient(loss, [w, b])
            w.assign_sub(lr * gradients[0])
            b.assign_sub(lr * gradients[1])
            steps.append(
                {
                    "x": x.numpy(),
                    "y": y.numpy(),
                    "prediction": pred.numpy(),
                    "loss": loss.numpy(),
                    "grad_w": gradients[0].numpy(),
                    "grad_b": gradients[1].numpy(),
                    "w_before": w_before,
                    "b_before": b_before,
                    "w_after": w.numpy(),
                    "b_after": b.numpy(),
                }
            )
    return steps


def assert_matches_trace(trainer: Trainer, record: dict, k: int) -> None:
    """w, b before equal the trace at k − 1 and after at k, bit for bit."""
    w, b = trainer.trace_column("w"), trainer.trace_column("b")
    assert np.float32(record["w_before"]) == w[k - 1] and np.float32(record["b_before"]) == b[k - 1]
    assert np.float32(record["w_after"]) == w[k] and np.float32(record["b_after"]) == b[k]


@pytest.mark.parametrize("backend", ["eager", "compiled"])
def test_per_sample_sgd_is_the_tutorial_loop_bit_for_bit(backend: str) -> None:
    config = RegressionConfig(n_samples=60, epochs=1)
    trainer = Trainer(config, backend=backend)
    trainer.run()
    reference = tutorial_steps(config)
    for k in range(1, trainer.steps_done + 1):
        record = inspect_step(trainer, k)
        assert_matches_trace(trainer, record, k)
        expected = reference[k - 1]
        assert record["index"] == k - 1
        for key in ("x", "y", "prediction", "loss", "grad_w", "grad_b", "w_before", "b_before", "w_after", "b_after"):
            if backend == "eager":  # the tutorial's loop itself: every number bit for bit
                assert np.float32(record[key]) == expected[key], (k, key)
            else:  # XLA rounds some last bits otherwise, so the compiled trace drifts from the tutorial by ~1e-7
                assert record[key] == pytest.approx(float(expected[key]), rel=1e-5, abs=1e-6), (k, key)


def test_every_step_of_a_long_compiled_run_matches_its_trace() -> None:
    trainer = Trainer(RegressionConfig(n_samples=1000, epochs=300, optimizer="adam"), backend="compiled")
    trainer.run()
    assert trainer.steps_done == 300_000
    rng = np.random.default_rng(1)
    for k in [1, 2, 65_535, 65_536, 65_537, 300_000, *rng.integers(1, 300_001, 20)]:
        assert_matches_trace(trainer, inspect_step(trainer, int(k)), int(k))
    assert len(trainer.checkpoints) <= 300_000 // 65_536 + 2  # bounded: one per K steps


def keras_steps(config: RegressionConfig, k: int) -> tuple[list[tuple[float, float]], tf.keras.optimizers.Optimizer]:
    """w, b after each of the first k per-sample steps, trained by a tf.keras optimizer (and the optimizer)."""
    x_np, y_np = make_data(config)
    w = tf.Variable(config.w_init, dtype=tf.float32)
    b = tf.Variable(config.b_init, dtype=tf.float32)
    optimizer = keras_optimizer(config.optimizer, config.learning_rate)
    params = [(w.numpy(), b.numpy())]
    for i in range(k):
        with tf.GradientTape() as tape:
            loss = (y_np[i] - (w * x_np[i] + b)) ** 2
        optimizer.apply_gradients(zip(tape.gradient(loss, [w, b]), [w, b]))
        params.append((w.numpy(), b.numpy()))
    return params, optimizer


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_each_optimizer_against_tf_keras(optimizer: str) -> None:
    config = RegressionConfig(n_samples=40, epochs=1, optimizer=optimizer, learning_rate=0.05)
    trainer = Trainer(config, backend="compiled")
    trainer.run()
    k = 30
    params, keras = keras_steps(config, k)
    record = inspect_step(trainer, k)
    assert_matches_trace(trainer, record, k)
    np.testing.assert_allclose([record["w_before"], record["b_before"]], params[k - 1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose([record["w_after"], record["b_after"]], params[k], rtol=1e-5, atol=1e-6)
    slots = {name: values for name, values in record["slots_after"].items()}
    assert len(slots) == {"sgd": 0, "adam": 2}.get(optimizer, 1)
    keras_slots = [v.numpy() for v in keras.variables if v.shape == ()][2:]  # after iteration and learning rate
    if optimizer != "sgd":  # each slot is one Keras variable per parameter, in order (w's, then b's)
        ours = sorted(value for values in slots.values() for value in values)
        np.testing.assert_allclose(sorted(keras_slots), ours, rtol=1e-5, atol=1e-7)


def test_a_run_changed_mid_run_is_inspected_with_the_settings_at_that_step() -> None:
    config = RegressionConfig(n_samples=100, epochs=3)
    trainer = Trainer(config, backend="eager")
    trainer.step(70)
    trainer.update(learning_rate=0.05)
    trainer.step(60)
    reference = tutorial_steps(config, lr_at={70: 0.05})
    for k in (1, 70, 71, 72, 130):
        record = inspect_step(trainer, k)
        assert_matches_trace(trainer, record, k)
        assert record["learning_rate"] == (0.01 if k <= 70 else 0.05)
        assert np.float32(record["grad_w"]) == reference[k - 1]["grad_w"]
        assert np.float32(record["w_before"]) == reference[k - 1]["w_before"]
    trainer.update(optimizer="adam", batch_size=8)
    trainer.step(20)
    record = inspect_step(trainer, 131)
    assert_matches_trace(trainer, record, 131)
    assert record["optimizer"] == "adam" and record["batch_size"] == 8 and record["iteration_before"] == 0
    assert record["slots_before"] == {"m": [0.0, 0.0], "v": [0.0, 0.0]}
    assert_matches_trace(trainer, inspect_step(trainer, 150), 150)
    assert inspect_step(trainer, 150)["slots_before"]["m"] != [0.0, 0.0]


def test_a_data_change_mid_run_replays_earlier_steps_on_the_data_they_used() -> None:
    trainer = Trainer(RegressionConfig(n_samples=50, epochs=3, optimizer="momentum"), backend="compiled")
    trainer.step(30)
    x_before = trainer.arrays[0].copy()
    trainer.update(n_samples=80, noise_std=0.5)
    trainer.step(30)
    early = inspect_step(trainer, 12)
    assert early["x"] == pytest.approx(float(x_before[11]), abs=0) and early["index"] == 11
    assert_matches_trace(trainer, early, 12)
    assert_matches_trace(trainer, inspect_step(trainer, 45), 45)


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
@pytest.mark.parametrize("batch_size", [1, 8])
def test_the_closed_form_matches_the_tape(loss: str, batch_size: int) -> None:
    trainer = Trainer(RegressionConfig(n_samples=64, loss=loss, batch_size=batch_size, noise_std=2.0), "compiled")
    trainer.run()
    for k in range(1, trainer.steps_done + 1, 3):
        record = inspect_step(trainer, k)
        for name in ("grad_w", "grad_b"):
            assert record[f"{name}_closed_form"] == pytest.approx(record[name], rel=1e-5, abs=1e-6), (k, name)


def test_a_mini_batch_shows_its_first_rows_and_the_short_last_batch_only_real_samples() -> None:
    trainer = Trainer(RegressionConfig(n_samples=20, batch_size=8, epochs=1), backend="compiled")
    trainer.run()
    first, last = inspect_step(trainer, 1), inspect_step(trainer, 3)
    assert first["batch_size"] == 8 and first["index"] == [0, 1, 2]
    assert last["batch_size"] == 4 and last["index"] == [16, 17, 18]
    assert "first ŷ = " in first["code"] and "reduce_mean" in first["code"]


def test_the_update_rule_and_loop_body_carry_the_steps_numbers() -> None:
    trainer = Trainer(RegressionConfig(n_samples=20, epochs=1), backend="compiled")
    trainer.run()
    record = inspect_step(trainer, 3)
    w_line = record["update"][0]
    assert w_line.startswith(f"w ← {record['w_before']:.6g} − 0.01 × ")
    assert w_line.endswith(f"= {record['w_after']:.6g}")
    assert f"w.assign_sub(LR * gradients[0])  # {w_line}" in record["code"] and "x_data[2]" in record["code"]
    x = f"({record['x']:.6g})" if record["x"] < 0 else f"{record['x']:.6g}"
    forward = f"pred = w*x + b  # ŷ = {record['w_before']:.6g} × {x} + "  # the forward pass, with its numbers
    assert forward.replace("-", "−") in record["code"]


@pytest.mark.parametrize("step", [0, -1, 21, 2.5, True])
def test_a_step_out_of_range_is_a_config_error_naming_the_range(step) -> None:
    trainer = Trainer(RegressionConfig(n_samples=20, epochs=1), backend="compiled")
    trainer.run()
    with pytest.raises(ConfigError, match="from 1 to 20"):
        inspect_step(trainer, step)


@pytest.mark.parametrize("backend", ["eager", "compiled"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_the_step_after_a_mid_run_initial_w_starts_from_the_value_set_and_says_so(backend: str, optimizer: str) -> None:
    config = RegressionConfig(n_samples=40, epochs=2, optimizer=optimizer)
    trainer = Trainer(config, backend=backend)
    trainer.step(30)
    trainer.update(w_init=8.0)  # w is 8 from step 31 on; the trace at 30 keeps w as step 30 left it
    trainer.step(10)
    w, b = trainer.trace_column("w"), trainer.trace_column("b")
    record = inspect_step(trainer, 31)
    assert record["w_before"] == 8.0 and w[30] != np.float32(8.0)
    assert record["w_trace_before"] == float(w[30]) and record["set_before"] == {"w": 8.0}
    assert np.float32(record["b_before"]) == b[30]  # b was not set: it is the trace's
    assert np.float32(record["w_after"]) == w[31] and np.float32(record["b_after"]) == b[31]
    assert "w was set to 8 at step 30 (Initial w), so step 31 starts from w = 8" in record["start_note"]
    assert record["prediction"] == pytest.approx(8.0 * record["x"] + record["b_before"], rel=1e-6)
    w_rule = [line for line in record["update"] if line.startswith("w ← ")]
    assert len(w_rule) == 1 and w_rule[0].startswith("w ← 8 ")
    for k in (30, 32):  # the steps around it start from the trace, as every other step
        other = inspect_step(trainer, k)
        assert_matches_trace(trainer, other, k)
        assert other["set_before"] == {} and other["start_note"] == ""


def test_a_mid_run_initial_w_step_matches_the_tutorial_loop_with_w_assigned() -> None:
    config = RegressionConfig(n_samples=40, epochs=1)
    trainer = Trainer(config, backend="eager")
    trainer.step(20)
    trainer.update(w_init=-3.0, b_init=2.5)
    trainer.run()
    x_np, y_np = make_data(config)
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    for i in range(21):  # the tutorial's loop, with w.assign and b.assign where the learner set them
        if i == 20:
            w.assign(-3.0)
            b.assign(2.5)
        w_before, b_before = w.numpy(), b.numpy()
        with tf.GradientTape() as tape:
            loss = (y_np[i] - (w * x_np[i] + b)) ** 2
        gradients = tape.gradient(loss, [w, b])
        w.assign_sub(0.01 * gradients[0])
        b.assign_sub(0.01 * gradients[1])
    record = inspect_step(trainer, 21)
    assert (np.float32(record["w_before"]), np.float32(record["b_before"])) == (w_before, b_before)
    assert (np.float32(record["w_after"]), np.float32(record["b_after"])) == (w.numpy(), b.numpy())
    assert np.float32(record["grad_w"]) == gradients[0].numpy() and record["set_before"] == {"w": -3.0, "b": 2.5}


def test_adams_update_writes_its_step_size_once_for_w_and_b() -> None:
    trainer = Trainer(RegressionConfig(n_samples=20, epochs=1, optimizer="adam"), backend="compiled")
    trainer.run()
    lines = inspect_step(trainer, 4)["update"]
    assert [line.startswith("α = 0.01 × √(1 − 0.999^4)") for line in lines].count(True) == 1
    assert [line.split(" ")[0] for line in lines] == ["m_w", "v_w", "α", "w", "m_b", "v_b", "b"]


def test_a_run_without_checkpoints_is_refused_with_a_message_not_a_lookup_error() -> None:
    from core.regression.step_checkpoints import CheckpointLog

    trainer = Trainer(RegressionConfig(n_samples=20, epochs=1), backend="compiled")
    trainer.run()
    trainer.checkpoints = CheckpointLog()  # as if its chunks had kept none
    with pytest.raises(ConfigError, match="kept no replay checkpoint before it"):
        inspect_step(trainer, 5)
