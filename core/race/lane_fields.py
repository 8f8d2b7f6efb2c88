"""Which config fields every lane of a race shares (the data) and which one lane may change on its own."""

from __future__ import annotations

from core.regression.fields import DATA_FIELDS, FIELD_NAMES

SHARED_FIELDS: frozenset[str] = DATA_FIELDS | {"shuffle"}  # the samples and the order they are visited in
LANE_FIELDS: tuple[str, ...] = tuple(name for name in FIELD_NAMES if name not in SHARED_FIELDS)
MAX_LANES = 8
