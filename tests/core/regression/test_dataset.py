"""core.regression.dataset: equal content, equal hash; copies are read-only float32; bad columns are refused."""

from __future__ import annotations

import numpy as np
import pytest

from core.regression.config import ConfigError
from core.regression.dataset import Dataset, content_hash


def test_the_hash_depends_on_the_numbers_only() -> None:
    first = Dataset.of([1, 2], [3, 4], "a", "b", "one.csv")
    same = Dataset.of(np.array([1.0, 2.0]), np.array([3.0, 4.0]), "x", "y")
    assert first.hash == same.hash == content_hash(first.x, first.y)
    assert len(first.hash) == 16 and int(first.hash, 16) >= 0
    assert Dataset.of([1, 2], [3, 5]).hash != first.hash
    assert Dataset.of([1, 2, 3], [3, 4, 0]).hash != first.hash


def test_arrays_are_read_only_float32_and_travel_as_a_payload() -> None:
    data = Dataset.of([1, 2], [3, 4], "h", "w", "f.csv")
    assert data.x.dtype == np.float32 and not data.x.flags.writeable
    back = Dataset.from_payload(data.to_payload())
    assert back.hash == data.hash and (back.x_name, back.y_name, back.name) == ("h", "w", "f.csv")


@pytest.mark.parametrize(("x", "y"), [([1, 2], [3]), ([], []), ([1, np.nan], [1, 2]), ([1, 2], [np.inf, 1])])
def test_bad_columns_are_refused(x: list, y: list) -> None:
    with pytest.raises(ConfigError):
        Dataset.of(x, y)
