"""core.sweep.chunk: one compiled call steps groups of runs, each run by its own batches, rate and state."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from core.sweep.chunk import Group, sweep_chunk

X = np.array([[1.0, 2.0, -1.0, 0.5], [0.5, -2.0, 3.0, 0.0]], np.float32)  # two runs, four samples each
Y = 2.0 * X + 1.0
INDICES = np.array([[[0, 1], [2, 3]], [[2, 3], [1, 1]], [[0, 0], [0, 0]]], np.int32)  # [capacity 3, runs 2, batch 2]
MASK = np.array([[[1, 1], [1, 1]], [[1, 1], [1, 0]], [[1, 1], [1, 1]]], np.float32)


def group(active: np.ndarray, lr: list[float], slots: int = 0, x: np.ndarray = X, y: np.ndarray = Y) -> Group:
    runs = x.shape[0]
    return Group(
        tf.constant(x),
        tf.constant(y),
        tf.constant(INDICES[:, :runs]),
        tf.constant(MASK[:, :runs]),
        tf.constant(active),
        tf.zeros([runs, 2]),
        tf.zeros([slots, runs, 2]),
        tf.zeros([runs, 1], tf.int32),
        tf.constant([[value] for value in lr], tf.float32),
    )


def numpy_sgd(run: int, steps: list[int], lr: float, x: np.ndarray = X, y: np.ndarray = Y) -> list[tuple]:
    """Masked mean-squared-error SGD of one run written out by hand: rows of (w, b, loss)."""
    w = b = 0.0
    rows = []
    for step in steps:
        batch, weight = INDICES[step, run], MASK[step, run]
        residual = y[run, batch] - (w * x[run, batch] + b)
        loss = float(np.sum(residual**2 * weight) / weight.sum())
        w, b = (
            w + lr * 2 * np.sum(residual * x[run, batch] * weight) / weight.sum(),
            b + lr * 2 * np.sum(residual * weight) / weight.sum(),
        )
        rows.append((w, b, loss))
    return rows


def test_each_run_follows_its_own_batches_rate_and_mask() -> None:
    active = np.ones((3, 2), bool)
    active[2, 1] = False  # run 1 has only two planned steps
    ((params, _, iteration, alive, w_rows, b_rows, loss_rows),) = sweep_chunk((("sgd", "mse"),))(
        [group(active, [0.1, 0.05])], tf.constant(3)
    )
    for run, (lr, steps) in enumerate(((0.1, [0, 1, 2]), (0.05, [0, 1]))):
        expected = np.array(numpy_sgd(run, steps, lr))
        got = np.stack([w_rows[: len(steps), run], b_rows[: len(steps), run], loss_rows[: len(steps), run]], axis=1)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(params[run], expected[-1, :2], rtol=1e-5)
    assert iteration.numpy().ravel().tolist() == [3, 2] and alive.numpy().tolist() == [True, True]


def test_groups_in_one_call_are_independent() -> None:
    active = np.ones((3, 2), bool)
    kinds = (("sgd", "mse"), ("adam", "mae"))
    together = sweep_chunk(kinds)([group(active, [0.1, 0.1]), group(active, [0.1, 0.1], slots=2)], tf.constant(3))
    alone = sweep_chunk((("adam", "mae"),))([group(active, [0.1, 0.1], slots=2)], tf.constant(3))
    for ours, theirs in zip(together[1], alone[0]):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    np.testing.assert_allclose(
        together[0][4][:, 0].numpy(), [row[0] for row in numpy_sgd(0, [0, 1, 2], 0.1)], rtol=1e-5
    )


def test_a_diverging_run_stops_but_its_bad_row_is_written() -> None:
    big = X.copy()
    big[0] *= 1e4  # run 0 explodes on its first step; run 1 trains on
    active = np.ones((3, 2), bool)
    params, _, iteration, alive, w_rows, _, _ = sweep_chunk((("sgd", "mse"),))(
        [group(active, [1.0, 0.1], x=big, y=2.0 * big + 1.0)], tf.constant(3)
    )[0]
    assert alive.numpy().tolist() == [False, True] and iteration.numpy().ravel().tolist() == [0, 3]
    assert params[0].numpy().tolist() == [0.0, 0.0]  # the state before the bad step is kept
    assert abs(float(w_rows[0, 0])) > 1e6  # the diverged row itself is reported


def test_a_chunk_is_traced_once_for_any_number_of_runs_and_steps() -> None:
    chunk = sweep_chunk((("momentum", "huber"),))
    for runs, steps in ((2, 1), (2, 3), (1, 2)):
        active = np.ones((3, runs), bool)
        x = X[:runs]
        chunk([group(active, [0.1] * runs, slots=1, x=x, y=2.0 * x + 1.0)], tf.constant(steps))
    assert chunk.experimental_get_tracing_count() == 1
