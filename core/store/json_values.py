"""Plain data made strict-JSON safe: non-finite floats become null, as every exported file and JSON output needs."""

from __future__ import annotations

import math
from typing import Any


def finite(value: Any) -> Any:
    """value with every non-finite float replaced by None, so it prints as strict JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite(item) for item in value]
    return value
