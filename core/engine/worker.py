"""One engine process, started lazily with the spawn method, and the pipe it answers requests on."""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import sys
import threading
from collections.abc import Iterator
from typing import Any

from core.engine.errors import EngineBusyError, EngineCallError, EngineError, RunLostError
from core.regression.config import ConfigError

START_TIMEOUT_S = 180.0
SHUTDOWN_WAIT_S = 5.0
ROLES = ("engine", "task")


class EngineWorker:
    """One engine process (live runs, or one-shot tasks), started lazily with spawn, answering one request at a time."""

    def __init__(self, index: int, role: str = "engine") -> None:
        if role not in ROLES:
            raise ConfigError("role", role, f"must be one of {', '.join(ROLES)}")
        self.index = index
        self.role = role
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
        process = context.Process(target=serve, args=(child,), name=f"tapestream-{self.role}-{self.index}", daemon=True)
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
        """Notice an engine that died while idle (bumps the generation); a busy engine is left to its caller."""
        if not self.lock.acquire(blocking=False):
            return  # a request is in flight: it notices a death itself
        try:
            if self.process is not None and not self.process.is_alive():
                self._bury()
        finally:
            self.lock.release()

    def call(self, method: str, kwargs: dict[str, Any], timeout: float, wait: float | None = None) -> Any:
        """Send one request and wait for its answer; see request()."""
        return self.request(method, kwargs, timeout, wait)[0]

    def request(
        self,
        method: str,
        kwargs: dict[str, Any],
        timeout: float,
        wait: float | None = None,
        generation: int | None = None,
    ) -> tuple[Any, int]:
        """Send one request; returns its answer and the generation of the engine that gave it.

        Waits at most `wait` seconds (default: timeout) for another caller's request to finish, else raises
        EngineBusyError; then at most `timeout` seconds for the answer, else the engine is killed and EngineError
        raised. With `generation`, a request meant for an engine that has since restarted raises RunLostError.
        """
        patience = timeout if wait is None else wait
        if not self.lock.acquire(timeout=max(patience, 0.0)):
            raise EngineBusyError(
                f"the {self._noun} is busy with another request ({method!r} waited {patience:.0f} s); "
                "try again in a moment"
            )
        try:
            return self._exchange(method, kwargs, timeout, generation), self.generation
        finally:
            self.lock.release()

    def _exchange(self, method: str, kwargs: dict[str, Any], timeout: float, generation: int | None) -> Any:
        if self.process is not None and not self.process.is_alive():
            self._bury()
        if generation is not None and generation != self.generation:
            raise RunLostError("the engine restarted; this run was lost (it can be rebuilt from its log)")
        fresh = self.process is None
        if fresh:
            self._start()
        request_id = next(self.request_ids)
        try:
            self.connection.send((request_id, method, kwargs))
            if not self.connection.poll(timeout + (START_TIMEOUT_S if fresh else 0.0)):
                self._bury()
                raise EngineError(
                    f"the {self._noun} did not answer {method!r} within {timeout:.0f} s, so it was restarted; "
                    f"{self._lost}"
                )
            reply_id, ok, value = self.connection.recv()
        except (EOFError, OSError, BrokenPipeError) as error:
            self._bury()
            raise EngineError(
                f"the {self._noun} process stopped (exit code {self.last_exit}) during {method!r}; "
                f"it restarts on the next request, and {self._lost}"
            ) from error
        if reply_id != request_id:
            raise EngineError(f"the engine answered request {reply_id} instead of {request_id}")
        if ok:
            return value
        if value["type"] == "ConfigError":
            raise ConfigError(value["field"], value["value"], value["allowed"])
        raise EngineCallError(value["type"], value["message"])

    @property
    def _noun(self) -> str:
        return "engine" if self.role == "engine" else "task engine"

    @property
    def _lost(self) -> str:
        return "runs it held were lost" if self.role == "engine" else "live runs were not affected"

    def shutdown(self, wait: float = SHUTDOWN_WAIT_S) -> None:
        """Stop the process; one busy for longer than `wait` is killed (its caller gets an EngineError)."""
        if not self.lock.acquire(timeout=wait):
            process = self.process
            if process is not None:
                process.kill()
            return
        try:
            if self.process is not None:
                self.connection.close()
                self.process.join(timeout=5)
                if self.process.is_alive():
                    self.process.kill()
                self.process = self.connection = None
        finally:
            self.lock.release()


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
