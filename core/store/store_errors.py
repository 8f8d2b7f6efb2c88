"""The run store's errors: every problem is explained for the user in one line."""

from __future__ import annotations

from typing import Any


class StoreError(Exception):
    """A run-store problem explained for the user: a bad file, a lock held too long, or bad arguments."""


class RunNotFound(StoreError):  # noqa: N818 (the name is part of the public API)
    """No run has the asked-for id."""

    def __init__(self, run_id: Any) -> None:
        self.run_id = run_id
        super().__init__(f"no run with id {run_id} (see `python -m core runs list`)")


class StoreConfigError(StoreError):
    """The configured store cannot be used at all: unreachable, login refused, no such database, or a newer schema."""
