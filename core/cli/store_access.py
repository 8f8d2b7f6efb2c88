"""The run store for a command: its problems as one line on stderr with exit code 1; bad names, and a configured
store that cannot be used at all (unreachable, login refused, no such database, newer schema), with exit code 2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core.cli.args import fail
from core.store.store_errors import StoreConfigError, StoreError

STORE_PROBLEM = 1
STORE_CONFIG_PROBLEM = 2


@contextmanager
def store_problems_reported() -> Iterator[None]:
    """Inside, a StoreError (bad file, missing folder, unknown run, lock held) ends the command: one line, exit 1."""
    try:
        yield
    except StoreConfigError as error:
        fail(str(error), code=STORE_CONFIG_PROBLEM)
    except StoreError as error:
        fail(str(error), code=STORE_PROBLEM)


def checked_run_name(flag: str, name: str) -> str:
    """name as the store would keep it (trimmed, 1 to 200 characters), or exit 2 naming flag and the rule."""
    from core.store.values import name_value

    try:
        return name_value(name)
    except StoreError as error:
        fail(f"{flag}: {error}")
