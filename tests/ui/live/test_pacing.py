"""ui.live.pacing: intervals grow with the server's load and each session's own tick time, in steps, no flapping."""

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
    assert pacing.wanted_interval(0.005, now=100.0) == pacing.BASE_INTERVAL_S


def test_many_sessions_share_the_server_by_ticking_less_often() -> None:
    for run_id in range(40):
        pacing.record_tick(run_id, 0.005, now=100.0)
    assert pacing.playing_sessions(now=100.5) == 40
    interval = pacing.wanted_interval(0.005, now=100.5)
    assert interval >= 40 * 0.005 / pacing.BUSY_SHARE and interval in pacing.INTERVALS_S
    for run_id in range(80, 160):
        pacing.record_tick(run_id, 0.005, now=100.5)
    assert pacing.wanted_interval(0.005, now=100.5) > interval  # overload slows everyone, evenly
    assert pacing.wanted_interval(0.005, now=100.5) <= 1.0  # never below one update a second


def test_a_slow_own_tick_widens_that_sessions_interval_and_idle_sessions_stop_counting() -> None:
    pacing.record_tick(1, 0.1, now=100.0)
    assert pacing.wanted_interval(0.1, now=100.0) >= 0.2
    assert pacing.playing_sessions(now=100.0 + pacing.PLAYING_FOR_S + 1) == 0


def test_changes_go_up_at_once_and_down_only_by_two_steps() -> None:
    assert pacing.should_change(0.08, 0.12)
    assert not pacing.should_change(0.16, 0.12) and pacing.should_change(0.25, 0.12)
    assert not pacing.should_change(0.08, 0.08)
