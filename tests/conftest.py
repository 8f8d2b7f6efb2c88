"""Shared pytest fixtures: quiet TensorFlow logs and a scratch run-store per test session."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
