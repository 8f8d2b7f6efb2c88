"""core.store.json_values: non-finite floats become null at any depth, so exports are strict JSON."""

from __future__ import annotations

import json
import math

from core.store.json_values import finite


def test_non_finite_floats_become_none_at_any_depth() -> None:
    value = {"a": math.nan, "b": [1.0, math.inf, {"c": -math.inf, "d": 2}], "e": "nan", "f": None, "g": True}
    cleaned = finite(value)
    assert cleaned == {"a": None, "b": [1.0, None, {"c": None, "d": 2}], "e": "nan", "f": None, "g": True}
    assert json.loads(json.dumps(cleaned, allow_nan=False)) == cleaned
    assert value["b"][1] == math.inf  # the input is left as it was


def test_finite_values_pass_through_unchanged() -> None:
    assert finite(0.5) == 0.5 and finite(-0.0) == 0.0 and finite(1e308) == 1e308 and finite(3) == 3
    assert finite([]) == [] and finite({}) == {} and finite(math.nan) is None
