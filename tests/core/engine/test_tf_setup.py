"""core.engine.tf_setup: TensorFlow's thread pools sized by TAPESTREAM_TF_THREADS, in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CODE = """
from core.engine.tf_setup import configure_tensorflow
configure_tensorflow()
import tensorflow as tf
tf.constant(1.0) + 1.0
configure_tensorflow()  # a second call, after TF started its pools, keeps them and does not raise
threading = tf.config.threading
print(threading.get_intra_op_parallelism_threads(), threading.get_inter_op_parallelism_threads())
"""


def threads_with(value: str | None) -> str:
    env = {key: item for key, item in os.environ.items() if key != "TAPESTREAM_TF_THREADS"}
    if value is not None:
        env["TAPESTREAM_TF_THREADS"] = value
    result = subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=True
    )
    return result.stdout.strip().splitlines()[-1]


def test_one_thread_by_default_and_the_variable_sets_both_pools() -> None:
    assert threads_with(None) == "1 1"
    assert threads_with("3") == "3 3"
