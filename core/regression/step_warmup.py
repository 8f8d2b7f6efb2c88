"""Compile a run's step replay ahead of its first inspect, in the background, so that inspect answers warm.

A compiled replay runs at the run's one replay capacity (core.regression.step_checkpoints.replay_capacity); XLA
compiles that shape once per (optimizer, loss, batch size, data size) and process, which takes 0.3–2 s. The
engine starts this when a run is opened or its settings change, while the learner is still watching it train.
An inspect that comes while its shape is still compiling waits for it (wait_for_warmup) instead of compiling the
same shape beside it on the same cores: the wait falls on the first inspect (the panel's first draw), never on a
later Timeline move.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import tensorflow as tf

from core.regression.backends import OptimizerState
from core.regression.config import RegressionConfig

_warmed: set[tuple] = set()  # the shapes compiled (or being compiled) in this process
_running: dict[tuple, threading.Thread] = {}  # the warm-ups still compiling, by shape
_lock = threading.Lock()
WAIT_LIMIT_S = 30.0  # an inspect waits at most this long for its shape's warm-up, then compiles it itself


def warm_key(config: RegressionConfig, backend: str, n_samples: int) -> tuple:
    """What a replay compiles for: the backend, optimizer, loss, batch size and the number of samples."""
    return backend, config.optimizer, config.loss, config.batch_size, n_samples


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
    with _lock:
        _running[key] = thread
    thread.start()
    return thread


def wait_for_warmup(config: RegressionConfig, backend: str, n_samples: int) -> bool:
    """Wait (at most WAIT_LIMIT_S) for this shape's warm-up if it is still compiling; whether there was one."""
    with _lock:
        thread = _running.get(warm_key(config, backend, n_samples))
    if thread is None or thread is threading.current_thread():
        return False
    thread.join(WAIT_LIMIT_S)
    return True


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
        with _lock:
            _running.pop(key, None)
