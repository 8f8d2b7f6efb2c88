"""Training on an uploaded CSV: the tutorial's own eager loop on the same data gives the Trainer's trace."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from core.regression.config import RegressionConfig
from core.regression.csv_table import dataset_from_table, read_csv_bytes
from core.regression.trainer import Trainer


def csv_bytes() -> bytes:
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 4, 120)
    y = np.sin(x) * 3 + x + rng.normal(0, 0.2, 120)
    return ("hours,score\n" + "".join(f"{a:.6f},{b:.6f}\n" for a, b in zip(x, y))).encode()


def tutorial_loop(x: np.ndarray, y: np.ndarray, learning_rate: float, epochs: int) -> list[tuple[float, float]]:
    """The tutorial's per-sample loop, written out with direct TF calls."""
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    path = []
    for _ in range(epochs):
        for x_i, y_i in zip(tf.constant(x), tf.constant(y)):
            with tf.GradientTape() as tape:
                loss = (y_i - (w * x_i + b)) ** 2
            dw, db = tape.gradient(loss, [w, b])
            w.assign_sub(learning_rate * dw)
            b.assign_sub(learning_rate * db)
            path.append((w.numpy(), b.numpy()))
    return path


def test_both_backends_follow_the_tutorials_loop_on_uploaded_data() -> None:
    data = dataset_from_table(read_csv_bytes(csv_bytes()), "hours", "score")
    config = RegressionConfig(data_source="csv", data_hash=data.hash, n_samples=len(data), learning_rate=0.01)
    expected = np.array(tutorial_loop(data.x, data.y, 0.01, config.epochs))
    for backend in ("compiled", "eager"):
        trainer = Trainer(config, backend=backend, datasets={data.hash: data})
        trace = trainer.run()
        assert trainer.status == "done" and len(trace) == len(expected) + 1
        np.testing.assert_allclose(trace[["w", "b"]].to_numpy()[1:], expected, atol=1e-5)


def test_without_a_true_line_convergence_is_judged_on_the_loss() -> None:
    data = dataset_from_table(read_csv_bytes(csv_bytes()), "hours", "score")
    config = RegressionConfig(
        data_source="csv",
        data_hash=data.hash,
        n_samples=len(data),
        batch_size=len(data),
        learning_rate=0.1,
        epochs=2000,
    )
    trainer = Trainer(config, datasets={data.hash: data})
    trainer.run()
    step = trainer.converged_step
    assert step is not None and 0 < step < 2000
    stopping = Trainer(config.replace(stop_when_converged=True), datasets={data.hash: data})
    stopping.run()
    assert stopping.status == "done" and stopping.steps_done == step == stopping.total_steps
    assert "Converged at step" in stopping.message
    np.testing.assert_array_equal(stopping.trace.to_numpy(), trainer.trace.iloc[: step + 1].to_numpy())
