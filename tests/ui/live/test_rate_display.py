"""ui.live.rate_display: the status line's speed is steady at the chosen speed, singular at 1, honest when lagging."""

from __future__ import annotations

import pytest

from ui.live import rate_display


@pytest.mark.parametrize(
    ("rate", "speed", "text"),
    [
        (1.3, 1.0, "1 step/s"),
        (0.8, 1.0, "1 step/s"),
        (0.5, 1.0, "0.5 steps/s"),
        (190.0, 200.0, "200 steps/s"),
        (90.0, 200.0, "90 steps/s"),
        (48_213.0, None, "48,000 steps/s"),
        (1.0, None, "1 step/s"),
        (0.0, None, ""),
    ],
)
def test_rate_text(rate: float, speed: float | None, text: str) -> None:
    assert rate_display.rate_text(rate, speed) == text


def test_one_step_per_second_reads_steadily_frame_after_frame() -> None:
    """Speed 1 with a frame every 80 ms: most frames make no step, yet the shown rate never jumps (it was 1 to 3)."""
    samples: list = []
    shown = set()
    for frame in range(200):
        now = frame * 0.08
        steps = int(now)  # one step each whole second
        samples = rate_display.kept_samples(samples, now, steps, 1.0)
        if now >= rate_display.window_seconds(1.0):
            shown.add(rate_display.rate_text(rate_display.windowed_rate(samples), 1.0))
    assert shown == {"1 step/s"}


def test_the_window_forgets_old_frames_and_a_reset_run() -> None:
    samples = rate_display.kept_samples([(0.0, 0), (1.0, 200), (2.5, 500)], 3.0, 600, 200.0)
    assert samples == [(1.0, 200), (2.5, 500), (3.0, 600)]
    assert rate_display.windowed_rate(samples) == pytest.approx(200.0)
    assert rate_display.kept_samples(samples, 3.1, 0, 200.0) == [(3.1, 0)]  # Reset: steps went back
    assert rate_display.windowed_rate([(3.1, 0)]) == 0.0
