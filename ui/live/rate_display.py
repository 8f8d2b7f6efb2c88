"""The live status line's speed: steps per second over the last few seconds, shown steadily and in words."""

from __future__ import annotations

from collections.abc import Sequence

WINDOW_SECONDS = 2.0
WINDOW_STEPS = 5  # at slow speeds the window stretches to hold about this many steps
ON_PACE = 0.75  # a rate at least this share of the chosen speed is shown as the chosen speed


def window_seconds(speed: float | None) -> float:
    """How far back the rate looks: 2 s, or long enough for about 5 steps at a slow chosen speed."""
    return WINDOW_SECONDS if not speed else max(WINDOW_SECONDS, WINDOW_STEPS / speed)


def kept_samples(samples: Sequence[tuple[float, int]], now: float, steps: int, speed: float | None) -> list:
    """The (time, steps done) samples of the window, with (now, steps) added; a run that went back starts over."""
    kept = [sample for sample in samples if sample[1] <= steps and now - sample[0] <= window_seconds(speed)]
    return [*kept, (now, steps)]


def windowed_rate(samples: Sequence[tuple[float, int]]) -> float:
    """Steps per second between the window's first and last sample (0 when it spans no time)."""
    if len(samples) < 2 or samples[-1][0] <= samples[0][0]:
        return 0.0
    return (samples[-1][1] - samples[0][1]) / (samples[-1][0] - samples[0][0])


def rate_text(rate: float, speed: float | None) -> str:
    """'1 step/s', '200 steps/s', '48,000 steps/s': the chosen speed while the run keeps pace, else what it makes."""
    if speed and rate >= ON_PACE * speed:
        rate = speed
    if rate <= 0:
        return ""
    shown = float(f"{rate:.2g}") if rate < 100 else round(rate, -len(str(int(rate))) + 2)
    number = f"{shown:,.0f}" if shown >= 1 or shown == int(shown) else f"{shown:g}"
    return f"{number} step/s" if number == "1" else f"{number} steps/s"
