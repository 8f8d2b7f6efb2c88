"""ui.engine_results: what the page says when an engine request fails (cached results are covered by page tests)."""

from __future__ import annotations

from core.engine.errors import EngineCallError, EngineError, RunLostError
from core.regression.config import ConfigError
from ui.engine_results import failure_message


def test_input_errors_are_shown_as_they_are() -> None:
    assert failure_message(EngineCallError("ExampleInputError", "t1: 'x' is not a number")) == "t1: 'x' is not a number"


def test_config_errors_and_engine_failures_say_what_happened() -> None:
    refused = failure_message(ConfigError("task", "bogus", "must be one of example, grad"))
    assert refused == "The engine refused the request: task='bogus' is not allowed: must be one of example, grad"
    crashed = failure_message(EngineCallError("ZeroDivisionError", "division by zero"))
    assert crashed.startswith("The TensorFlow engine had a problem: ZeroDivisionError: division by zero.")
    assert "The app is still running" in failure_message(EngineError("the engine did not answer"))
    assert "this run was lost" in failure_message(RunLostError("the engine restarted; this run was lost"))
