"""core.regression.backends: the eager loop and the compiled chunk against a direct GradientTape loop."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from core.regression.backends import (
    BACKENDS,
    DIVERGENCE_BOUND,
    OptimizerState,
    chunk_capacity,
    compiled_chunk,
    diverged_message,
    is_bad,
)
from core.regression.config import RegressionConfig
from core.regression.data import make_data, max_stable_learning_rate
from core.regression.schedule import Position, plan_steps

CONFIG = RegressionConfig(n_samples=30, batch_size=4, noise_std=0.3, seed=2)


def planned(config: RegressionConfig, steps: int):
    return plan_steps(config.n_samples, config.batch_size, config.seed, True, config.epochs, Position(), steps)


def direct_sgd(x: np.ndarray, y: np.ndarray, indices: np.ndarray, mask: np.ndarray, lr: float) -> np.ndarray:
    """Mini-batch SGD on the masked mean squared error, written out with a tape: rows of (w, b, loss)."""
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    rows = []
    for batch, weight in zip(indices, mask):
        xs, ys = tf.constant(x[batch]), tf.constant(y[batch])
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum((ys - (w * xs + b)) ** 2 * weight) / weight.sum()
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(lr * dw)
        b.assign_sub(lr * db)
        rows.append((w.numpy(), b.numpy(), loss.numpy()))
    return np.array(rows)


@pytest.mark.parametrize("backend", ["eager", "compiled"])
def test_each_backend_is_the_direct_tape_loop(backend: str) -> None:
    x, y = make_data(CONFIG)
    plan = planned(CONFIG, 12)  # crosses into the second epoch, whose last batch is short
    state = OptimizerState.fresh("sgd", 0.0, 0.0)
    result = BACKENDS[backend](tf.constant(x), tf.constant(y), plan.indices, plan.mask, state, "sgd", "mse", 0.05)
    expected = direct_sgd(x, y, plan.indices, plan.mask, 0.05)
    np.testing.assert_allclose(np.stack([result.w, result.b, result.loss], axis=1), expected, rtol=1e-5, atol=1e-6)
    assert result.state.iteration == 12 and result.state.params.tolist() == [result.w[-1], result.b[-1]]


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_the_backends_agree_and_the_state_carries_across_chunks(optimizer: str) -> None:
    x, y = (tf.constant(a) for a in make_data(CONFIG))
    plan = planned(CONFIG, 16)
    fresh = OptimizerState.fresh(optimizer, 1.0, -1.0)
    whole = BACKENDS["compiled"](x, y, plan.indices, plan.mask, fresh, optimizer, "huber", 0.1)
    eager = BACKENDS["eager"](x, y, plan.indices, plan.mask, fresh, optimizer, "huber", 0.1)
    np.testing.assert_allclose(eager.w, whole.w, rtol=1e-5, atol=1e-6)
    first = BACKENDS["compiled"](x, y, plan.indices[:5], plan.mask[:5], fresh, optimizer, "huber", 0.1)
    rest = BACKENDS["eager"](x, y, plan.indices[5:], plan.mask[5:], first.state, optimizer, "huber", 0.1)
    np.testing.assert_allclose(np.concatenate([first.b, rest.b]), whole.b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rest.state.slots, whole.state.slots, rtol=1e-4, atol=1e-6)
    assert rest.state.iteration == whole.state.iteration == 16


def test_the_backends_agree_within_1e6_on_the_default_config() -> None:
    """The README's bound: the tutorial's own run (1000 samples, per-sample SGD, 2 epochs), every step's w and b."""
    config = RegressionConfig()
    x, y = (tf.constant(a) for a in make_data(config))
    plan = plan_steps(
        config.n_samples, config.batch_size, config.seed, config.shuffle, config.epochs, Position(), config.total_steps
    )
    state = OptimizerState.fresh(config.optimizer, config.w_init, config.b_init)
    runs = {
        name: BACKENDS[name](x, y, plan.indices, plan.mask, state, config.optimizer, config.loss, config.learning_rate)
        for name in ("eager", "compiled")
    }
    assert len(runs["eager"].w) == len(runs["compiled"].w) == config.total_steps == 2000
    worst = max(float(np.abs(getattr(runs["eager"], p) - getattr(runs["compiled"], p)).max()) for p in ("w", "b"))
    assert worst <= 1e-6
    assert abs(runs["compiled"].w[-1] - 5.0) < 1e-4 and abs(runs["compiled"].b[-1] - 3.0) < 1e-4


@pytest.mark.parametrize("backend", ["eager", "compiled"])
def test_a_chunk_stops_right_after_the_first_diverged_row(backend: str) -> None:
    config = RegressionConfig(n_samples=50, batch_size=50, epochs=200)
    x, y = make_data(config)
    plan = plan_steps(50, 50, 0, False, 200, Position(), 200)
    state = OptimizerState.fresh("sgd", 0.0, 0.0)
    result = BACKENDS[backend](tf.constant(x), tf.constant(y), plan.indices, plan.mask, state, "sgd", "mse", 5.0)
    assert 1 < len(result.w) < 200 and is_bad(result.w[-1], result.b[-1], result.loss[-1])
    assert not any(is_bad(w, b, loss) for w, b, loss in zip(result.w[:-1], result.b[:-1], result.loss[:-1]))


def test_fresh_state_capacity_and_divergence_helpers() -> None:
    adagrad = OptimizerState.fresh("adagrad", 2.0, 3.0)
    assert adagrad.params.tolist() == [2.0, 3.0] and adagrad.slots.tolist() == [[np.float32(0.1)] * 2]
    assert adagrad.slots.dtype == np.float32 and OptimizerState.fresh("sgd", 0, 0).slots.shape == (0, 2)
    assert OptimizerState.fresh("adam", 0, 0).slots.shape == (2, 2)
    assert [chunk_capacity(n) for n in (1, 64, 65, 1000, 1024)] == [64, 64, 128, 1024, 1024]
    assert not is_bad(1.0, -1.0, 3.0) and is_bad(DIVERGENCE_BOUND * 2, 0.0, 1.0) and is_bad(0.0, 0.0, np.inf)
    x, _ = make_data(CONFIG)
    message = diverged_message(CONFIG.replace(learning_rate=3.0), x, 17, 1e7, 2.0, np.inf)
    assert message.startswith("Diverged at step 17: w=1e+07") and "smaller learning rate than 3" in message
    assert f"{max_stable_learning_rate(x, 'mse'):.4g}" in message


def test_one_trace_per_optimizer_and_loss_for_any_chunk_length() -> None:
    x, y = (tf.constant(a) for a in make_data(CONFIG))
    state = OptimizerState.fresh("rmsprop", 0.0, 0.0)
    for steps in (1, 3, 70):
        plan = planned(CONFIG.replace(epochs=10), steps)
        BACKENDS["compiled"](x, y, plan.indices, plan.mask, state, "rmsprop", "mae", 0.01)
    assert compiled_chunk("rmsprop", "mae").experimental_get_tracing_count() == 1


@pytest.mark.parametrize("backend", ["eager", "compiled"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_chunk_cut_after_k_rows_is_the_chunk_of_k_steps(backend: str, optimizer: str) -> None:
    x, y = (tf.constant(a) for a in make_data(CONFIG))
    plan = planned(CONFIG, 12)
    fresh = OptimizerState.fresh(optimizer, 1.0, -1.0)
    whole = BACKENDS[backend](x, y, plan.indices, plan.mask, fresh, optimizer, "mse", 0.05)
    short = BACKENDS[backend](x, y, plan.indices[:5], plan.mask[:5], fresh, optimizer, "mse", 0.05)
    head, tail = whole.head(5), whole.tail(5)
    np.testing.assert_array_equal(head.w, short.w)
    np.testing.assert_array_equal(head.state.params, short.state.params)
    np.testing.assert_array_equal(head.state.slots, short.state.slots)
    assert head.state.iteration == short.state.iteration == 5
    assert len(tail) == 7 and tail.state is whole.state and whole.head(12) is whole
    np.testing.assert_array_equal(np.concatenate([head.b, tail.b]), whole.b)
    with pytest.raises(ValueError):
        whole.head(0)
