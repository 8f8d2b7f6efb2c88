"""The replay shapes a background warm-up is compiling right now, and waiting for one to finish."""

from __future__ import annotations

import threading

from core.regression.config import RegressionConfig

WAIT_LIMIT_S = 30.0  # an inspect waits at most this long for its shape's warm-up, then compiles it itself
_running: dict[tuple, threading.Thread] = {}  # the warm-ups still compiling, by shape
_lock = threading.Lock()


def warm_key(config: RegressionConfig, backend: str, n_samples: int) -> tuple:
    """What a replay compiles for: the backend, optimizer, loss, batch size and the number of samples."""
    return backend, config.optimizer, config.loss, config.batch_size, n_samples


def started(key: tuple, thread: threading.Thread) -> None:
    """A warm-up thread is compiling this shape."""
    with _lock:
        _running[key] = thread


def finished(key: tuple) -> None:
    """This shape's warm-up is over (compiled or failed)."""
    with _lock:
        _running.pop(key, None)


def wait_for_warmup(config: RegressionConfig, backend: str, n_samples: int) -> bool:
    """Wait (at most WAIT_LIMIT_S) for this shape's warm-up if it is still compiling; whether there was one."""
    with _lock:
        thread = _running.get(warm_key(config, backend, n_samples))
    if thread is None or thread is threading.current_thread():
        return False
    thread.join(WAIT_LIMIT_S)
    return True
