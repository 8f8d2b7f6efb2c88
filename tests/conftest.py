"""Shared pytest set-up: quiet TensorFlow logs and a scratch run store for the whole test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# A test that saves without naming a store must never write ./tapestream.sqlite3 in the checkout.
os.environ.setdefault("TAPESTREAM_DB", str(Path(tempfile.mkdtemp(prefix="tapestream-tests-")) / "runs.sqlite3"))
