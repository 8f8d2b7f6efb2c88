"""core.regression.smoothing: the step-aware EMA of stored series and the live page's incremental EMA cache."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.regression.smoothing import SMOOTHING_CHOICES, EmaCache, ema_by_step


def pandas_ema(values: np.ndarray, alpha: float) -> np.ndarray:
    return pd.Series(values).ewm(alpha=alpha, adjust=False).mean().to_numpy()


def test_ema_by_step_matches_the_per_step_ema_across_gaps() -> None:
    values = np.random.default_rng(0).random(50)
    full = pd.Series(values).ewm(alpha=0.1, adjust=False).mean().to_numpy()
    np.testing.assert_allclose(ema_by_step(np.arange(50), values, 0.9), full)
    constant = ema_by_step(np.array([0, 10, 30]), np.array([1.0, 1.0, 1.0]), 0.99)
    np.testing.assert_allclose(constant, 1.0)
    assert ema_by_step(np.array([0, 1]), np.array([2.0, 4.0]), 0.0).tolist() == [2.0, 4.0]


def test_ema_by_step_decays_by_the_gap_length() -> None:
    smoothed = ema_by_step(np.array([0, 3]), np.array([0.0, 1.0]), 0.5)
    assert smoothed.tolist() == [0.0, 1.0 - 0.5**3]
    assert ema_by_step(np.array([], dtype=np.int64), np.array([]), 0.9).size == 0


def test_the_cache_extends_incrementally_and_equals_one_full_ema() -> None:
    loss = np.random.default_rng(1).random(300).astype(np.float32)
    cache = EmaCache()
    for end in (1, 40, 41, 300):
        got = cache.update(loss[:end], 0.1)
        assert len(got) == end
    np.testing.assert_allclose(got, pandas_ema(loss.astype(np.float64), 0.1), rtol=1e-12)
    assert cache.update(loss, 0.1) is got  # nothing new: the same array back


def test_the_cache_starts_over_for_a_new_alpha_or_a_shorter_trace() -> None:
    loss = np.array([4.0, 2.0, 8.0, 1.0])
    cache = EmaCache()
    cache.update(loss, 0.5)
    np.testing.assert_allclose(cache.update(loss, 0.9), pandas_ema(loss, 0.9))
    restarted = np.array([10.0, 0.0])  # a reset run: fewer rows than the cache holds
    np.testing.assert_allclose(cache.update(restarted, 0.9), [10.0, 1.0])


def test_smoothing_choices_are_off_then_increasing() -> None:
    assert SMOOTHING_CHOICES["off"] == 0.0
    values = list(SMOOTHING_CHOICES.values())
    assert values == sorted(values) and all(0.0 <= value < 1.0 for value in values)


def test_rows_handed_out_never_change_as_the_cache_grows_or_starts_over() -> None:
    loss = np.random.default_rng(2).random(5000).astype(np.float32)
    cache = EmaCache()
    early = cache.update(loss[:10], 0.1)
    kept = early.copy()
    longer = cache.update(loss[:5000], 0.1)  # past the first buffer: it grows
    np.testing.assert_allclose(longer, pandas_ema(loss.astype(np.float64), 0.1), rtol=1e-12)
    cache.update(loss[:20], 0.5)  # another alpha: a new buffer, the old rows stay as they were
    np.testing.assert_array_equal(early, kept)
    np.testing.assert_array_equal(longer[:10], kept)
