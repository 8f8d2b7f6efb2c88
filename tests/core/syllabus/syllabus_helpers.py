"""Helpers for the syllabus tests: compare plain data with TF results, run a card that must succeed."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.syllabus.card import plain
from core.syllabus.catalog import run_card


def close(ours: Any, theirs: Any) -> bool:
    """Our plain data equals a TF result (tensor, None, or a list of those)."""
    theirs = plain(theirs)
    if isinstance(theirs, list) and any(item is None for item in theirs):
        return len(ours) == len(theirs) and all(close(a, b) for a, b in zip(ours, theirs))
    if ours is None or theirs is None:
        return ours is None and theirs is None
    return np.allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float), rtol=1e-6)


def ok(name: str, inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """run_card's response, asserting that it ran."""
    result = run_card(name, inputs)
    assert result["error"] is None, result["error"]
    return result
