"""Compile a run's step replay ahead of its first inspect, in the background, so that inspect answers warm.

A compiled replay runs at the run's one replay capacity (core.regression.step_checkpoints.replay_capacity); XLA
compiles that shape once per (optimizer, loss, batch size, data size) and process, which takes 0.3–2 s. The
engine starts this when a run is opened or its settings change, while the learner is still watching it train.
An inspect that comes while its shape is still compiling waits for it (core.regression.step_compiling) instead
of compiling the same shape beside it on the same cores: the wait falls on the first inspect (the panel's first
draw), never on a later Timeline move.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import tensorflow as tf

from core.regression import step_compiling
from core.regression.backends import OptimizerState
from core.regression.config import RegressionConfig
from core.regression.step_compiling import warm_key

_warmed: set[tuple] = set()  # the shapes compiled (or being compiled) in this process
_lock = threading.Lock()


def warm_replay(config: RegressionConfig, backend: str, n_samples: int) -> tuple:
    """Run one replay step and one taped step of this shape on zeros, compiling what inspect will run."""
    from core.regression.step_replay import replay_chunk, tape_step

    zeros = tf.zeros([n_samples], tf.float32)
    indices = np.zeros((1, config.batch_size), np.int32)
    mask = np.ones((1, config.batch_size), np.float32)
    state = OptimizerState.fresh(config.optimizer, 0.0, 0.0)
    replay_chunk(backend, zeros, zeros, indices, mask, state, config)
    tape_step(zeros, zeros, indices[0], mask[0], state, config.loss)
    return warm_key(config, backend, n_samples)


def warm_in_background(trainer: Any) -> threading.Thread | None:
    """Start warm_replay for the trainer's run in a daemon thread, unless its shape is warm (or warming) already."""
    config, backend, n_samples = trainer.config, trainer.backend, len(trainer.arrays[0])
    key = warm_key(config, backend, n_samples)
    with _lock:
        if key in _warmed:
            return None
        _warmed.add(key)
    thread = threading.Thread(target=_warm_quietly, args=(config, backend, n_samples), name="replay-warmup")
    thread.daemon = True
    step_compiling.started(key, thread)
    thread.start()
    return thread


def _warm_quietly(config: RegressionConfig, backend: str, n_samples: int) -> tuple | None:
    """warm_replay, where a failure only means the first inspect compiles instead (it reports its own errors)."""
    key = warm_key(config, backend, n_samples)
    try:
        return warm_replay(config, backend, n_samples)
    except Exception:  # noqa: BLE001 - a warm-up never takes the engine down
        with _lock:
            _warmed.discard(key)
        return None
    finally:
        step_compiling.finished(key)
