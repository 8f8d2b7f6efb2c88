"""The engine client's errors: the engine could not answer, was busy, raised inside, or lost a run to a restart."""

from __future__ import annotations


class EngineError(RuntimeError):
    """The engine could not answer: it died, timed out, or the run it held is gone."""


class EngineCallError(EngineError):
    """An exception raised inside the engine, carried back as its type name and message."""

    def __init__(self, type_name: str, message: str) -> None:
        self.type = type_name
        self.message = message
        super().__init__(f"{type_name}: {message}")


class RunLostError(EngineError):
    """The engine restarted after this run was opened, so the run's state is gone (see EngineClient.rebuild)."""


class EngineBusyError(EngineError):
    """No engine process came free within the caller's wait; nothing ran, and trying again later is safe."""
