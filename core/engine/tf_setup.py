"""One place that configures TensorFlow for Tapestream's small, latency-bound work (engine process and CLI)."""

from __future__ import annotations

import os

ENGINE_THREADS_ENV = "TAPESTREAM_TF_THREADS"


def configure_tensorflow() -> None:
    """Quiet C++ logs, run ops on the calling thread, and let GPUs (if any) grow memory as the tutorial does.

    Each update is a few tiny ops, so TensorFlow's thread pools only add hand-offs: on a busy 2-core machine
    (browser, Streamlit and engine together) those hand-offs made a 20-step tick take 100+ ms instead of 2 ms.
    TAPESTREAM_TF_THREADS (default 1) sets both the intra- and inter-op pool sizes.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    threads = int(os.environ.get(ENGINE_THREADS_ENV, "1"))
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:  # TensorFlow already started its pools in this process; keep them
        pass
    for device in tf.config.list_physical_devices("GPU"):
        tf.config.experimental.set_memory_growth(device, True)
