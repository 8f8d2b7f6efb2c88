"""A user's own data set: float32 x and y columns with their names, keyed by a hash of their content."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from core.regression.config import ConfigError

Datasets = Mapping[str, "Dataset"]  # content hash → data set


def content_hash(x: np.ndarray, y: np.ndarray) -> str:
    """16 hex digits of SHA-256 over the rows as float32: equal data, equal hash, wherever it came from."""
    digest = hashlib.sha256()
    digest.update(len(x).to_bytes(8, "little"))
    digest.update(np.ascontiguousarray(x, dtype=np.float32).tobytes())
    digest.update(np.ascontiguousarray(y, dtype=np.float32).tobytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True, eq=False)
class Dataset:
    """x and y (read-only float32, same length), the column names they came from, and their content hash."""

    x: np.ndarray
    y: np.ndarray
    x_name: str = "x"
    y_name: str = "y"
    name: str = ""

    @classmethod
    def of(cls, x: np.ndarray, y: np.ndarray, x_name: str = "x", y_name: str = "y", name: str = "") -> Dataset:
        """A data set from two equal-length columns of finite numbers (copied to read-only float32)."""
        x32, y32 = np.array(x, dtype=np.float32).ravel(), np.array(y, dtype=np.float32).ravel()
        if len(x32) != len(y32) or len(x32) == 0:
            raise ConfigError("data", (len(x32), len(y32)), "x and y must be non-empty and of equal length")
        if not (np.isfinite(x32).all() and np.isfinite(y32).all()):
            raise ConfigError("data", "non-finite", "every x and y must be a finite float32 number")
        x32.flags.writeable = y32.flags.writeable = False
        return cls(x32, y32, x_name, y_name, name)

    @property
    def hash(self) -> str:
        """The content hash (core.regression.fields.DATA_HASH_PATTERN)."""
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = content_hash(self.x, self.y)
            object.__setattr__(self, "_hash", cached)
        return cached

    def __len__(self) -> int:
        return len(self.x)

    def to_payload(self) -> dict:
        """Plain data for a pipe or a task: the arrays and the names."""
        return {"x": self.x, "y": self.y, "x_name": self.x_name, "y_name": self.y_name, "name": self.name}

    @classmethod
    def from_payload(cls, payload: Mapping) -> Dataset:
        """The data set to_payload describes."""
        return cls.of(payload["x"], payload["y"], payload["x_name"], payload["y_name"], payload.get("name", ""))
