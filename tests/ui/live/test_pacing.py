"""ui.live.pacing: the interval grows with the server's load, evenly for every session, within its bounds."""

from __future__ import annotations

import pytest

from ui.live import pacing


@pytest.fixture(autouse=True)
def quiet_server():
    for run_id in list(pacing._LAST_TICK):
        pacing.stopped(run_id)
    pacing._AVERAGE_TICK_S[0] = 0.0
    yield
    for run_id in list(pacing._LAST_TICK):
        pacing.stopped(run_id)
    pacing._AVERAGE_TICK_S[0] = 0.0


def test_a_quiet_server_ticks_at_the_base_interval() -> None:
    pacing.record_tick(1, 0.005, now=100.0)
    assert pacing.wanted_interval(now=100.0) == pacing.BASE_INTERVAL_S


def test_many_sessions_share_the_server_by_ticking_less_often() -> None:
    for run_id in range(40):
        pacing.record_tick(run_id, 0.005, now=100.0)
    assert pacing.playing_sessions(now=100.5) == 40
    interval = pacing.wanted_interval(now=100.5)
    assert interval == pytest.approx(40 * 0.005 / pacing.BUSY_SHARE)
    for run_id in range(80, 300):
        pacing.record_tick(run_id, 0.005, now=100.5)
    assert pacing.wanted_interval(now=100.5) > interval  # overload slows everyone, evenly
    assert pacing.wanted_interval(now=100.5) == pacing.MAX_INTERVAL_S  # never below one update a second


def test_sessions_that_stopped_ticking_stop_counting() -> None:
    for run_id in range(40):
        pacing.record_tick(run_id, 0.005, now=100.0)
    assert pacing.playing_sessions(now=100.0 + pacing.PLAYING_FOR_S + 1) == 0
    pacing.stopped(3)
    assert pacing.wanted_interval(now=100.0 + pacing.PLAYING_FOR_S + 1) == pacing.BASE_INTERVAL_S
