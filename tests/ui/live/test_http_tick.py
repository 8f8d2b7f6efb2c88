"""Ticks served over HTTP (ui/live/http_tick.py) with a real engine: what they send, and when they leave it to the
fragment."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from core.engine.client import EngineClient
from core.regression.config import RegressionConfig
from ui.live import feed_state, http_tick, panel
from ui.live.run_state import LiveRun

pytestmark = pytest.mark.usefixtures("scratch_store")  # tests/ui/live/conftest.py


def drawn_and_playing(client: EngineClient, **config: Any) -> tuple[LiveRun, dict[str, Any]]:
    """A run whose charts a full run has drawn (its feed stream is in the tick state), then Play pressed."""
    run = LiveRun(client, config=RegressionConfig(**config), speed=200.0)
    state: dict[str, Any] = {}
    view = run.tick()
    with feed_state.serving(state):
        panel.chart_figures(run, view, log_scale=False)
    run.play()
    return run, state


def ticked(run: LiveRun, state: dict[str, Any]) -> dict[str, Any]:
    """One HTTP tick, 50 ms of play after the last (10 steps at 200 steps/s)."""
    run.last_tick = time.perf_counter() - 0.05
    return http_tick.serve(run, state)


def test_a_tick_sends_only_the_new_rows_and_the_readouts(client: EngineClient) -> None:
    run, state = drawn_and_playing(client)
    run.last_tick = time.perf_counter() - 0.05
    payload = json.loads(http_tick.server(run, state)())
    assert set(payload["charts"]) == {"trace_chart", "loss_chart", "data_chart", "landscape_chart"}
    assert payload["tick"] == run.frame and isinstance(payload["next"], float) and "rerun" not in payload
    steps = run.view["steps_done"]
    assert steps > 0 and payload["readouts"]["metrics"]["Step"][0] == f"{steps:,}"
    assert payload["from"] == 0 and payload["stream"] == state[panel.STREAM_KEY].chart_stream
    second = ticked(run, state)  # the next tick asks from the step fed two ticks ago
    assert second["from"] == 0 and run.view["steps_done"] > steps
    third = ticked(run, state)
    assert third["from"] == steps
    assert len(json.dumps(third)) < 10_000  # no whole series again (the landscape's contour was sent once)


def test_a_full_run_holding_the_run_makes_the_tick_say_busy(client: EngineClient) -> None:
    run, state = drawn_and_playing(client)
    held, release = threading.Event(), threading.Event()

    def full_run() -> None:
        with run.lock:
            held.set()
            release.wait(10)

    thread = threading.Thread(target=full_run)
    thread.start()
    held.wait(10)
    try:
        frame = run.frame
        payload = http_tick.serve(run, state)
        assert payload["busy"] is True and payload["next"] > 0 and run.frame == frame
    finally:
        release.set()
        thread.join()
    assert "charts" in ticked(run, state)


def test_what_the_fragment_must_serve_falls_back(client: EngineClient) -> None:
    run, state = drawn_and_playing(client)
    assert http_tick.serve(run, {})["fallback"]  # this session's charts hold no stream: a full draw is needed
    run.playing = False
    assert http_tick.serve(run, state)["fallback"] == "not playing"


def test_the_tick_that_ends_the_run_asks_the_page_to_redraw(client: EngineClient) -> None:
    run, state = drawn_and_playing(client, n_samples=50, epochs=1)
    run.play(to_end=True)
    payload = http_tick.serve(run, state)
    assert run.view["status"] == "done" and not run.playing
    assert payload["rerun"] is True and payload["next"] is None and "charts" in payload
