"""One engine process, started lazily with the spawn method, and the pipe it answers requests on."""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import sys
import threading
from collections.abc import Iterator
from typing import Any

from core.engine.errors import EngineCallError, EngineError
from core.regression.config import ConfigError

START_TIMEOUT_S = 180.0


class EngineWorker:
    """One engine process, started lazily with the spawn method, answering one request at a time."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.generation = 0
        self.process: Any = None
        self.connection: Any = None
        self.lock = threading.Lock()
        self.request_ids = itertools.count(1)
        self.last_exit: int | None = None

    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def _start(self) -> None:
        from core.engine.process import serve

        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe(duplex=True)
        process = context.Process(target=serve, args=(child,), name=f"tapestream-engine-{self.index}", daemon=True)
        with _main_module_hidden():
            process.start()
        child.close()
        self.process, self.connection = process, parent

    def _bury(self) -> None:
        """Forget a dead or stuck engine; the next request starts a new one."""
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(timeout=5)
            self.last_exit = self.process.exitcode
        if self.connection is not None:
            self.connection.close()
        self.process = self.connection = None
        self.generation += 1

    def check(self) -> None:
        """Notice an engine that died while idle (bumps the generation)."""
        with self.lock:
            if self.process is not None and not self.process.is_alive():
                self._bury()

    def call(self, method: str, kwargs: dict[str, Any], timeout: float) -> Any:
        """Send one request and wait for its answer; raise EngineError if the engine dies or stalls."""
        with self.lock:
            if self.process is not None and not self.process.is_alive():
                self._bury()
            fresh = self.process is None
            if fresh:
                self._start()
            request_id = next(self.request_ids)
            try:
                self.connection.send((request_id, method, kwargs))
                if not self.connection.poll(timeout + (START_TIMEOUT_S if fresh else 0.0)):
                    self._bury()
                    raise EngineError(
                        f"the engine did not answer {method!r} within {timeout:.0f} s, so it was restarted; "
                        "runs it held were lost"
                    )
                reply_id, ok, value = self.connection.recv()
            except (EOFError, OSError, BrokenPipeError) as error:
                self._bury()
                raise EngineError(
                    f"the engine process stopped (exit code {self.last_exit}) during {method!r}; "
                    "it restarts on the next request, and runs it held were lost"
                ) from error
        if reply_id != request_id:
            raise EngineError(f"the engine answered request {reply_id} instead of {request_id}")
        if ok:
            return value
        if value["type"] == "ConfigError":
            raise ConfigError(value["field"], value["value"], value["allowed"])
        raise EngineCallError(value["type"], value["message"])

    def shutdown(self) -> None:
        with self.lock:
            if self.process is not None:
                self.connection.close()
                self.process.join(timeout=5)
                if self.process.is_alive():
                    self.process.kill()
                self.process = self.connection = None


_HIDE_MAIN_LOCK = threading.Lock()


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Keep spawn from re-running the parent's __main__ (a Streamlit CLI, pytest, or an unguarded script)."""
    main = sys.modules.get("__main__")
    with _HIDE_MAIN_LOCK:
        saved = {name: main.__dict__.pop(name) for name in ("__file__", "__spec__") if name in main.__dict__}
        main.__spec__ = None
        try:
            yield
        finally:
            main.__dict__.pop("__spec__", None)
            main.__dict__.update(saved)
