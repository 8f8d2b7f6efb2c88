"""What the browser's charts hold since the last full draw: the stream they belong to, the steps fed, the parts sent.

A full draw (a script run, or a tick that had to send whole figures) starts a stream. Each tick then asks the
engine for the rows after the step fed two ticks ago, and sends a part of a figure only when it differs from
what the last two ticks left there. So one tick's feed lost on the way (a run cut short by a rerun, a
coalesced redraw) is made good by the next; the browser drops rows it already has.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

Prints = dict[str, str]  # path in a figure → its value as JSON text


_LAST_PRINT: dict[str, tuple[Any, str]] = {}  # path → (the last value printed there, its text)


def fingerprint(path: str, value: Any) -> str:
    """A part's value as JSON text; the same object as last time at this path is not printed again (the
    landscape's cached contours are 20 KB of text)."""
    last = _LAST_PRINT.get(path)
    if last is not None and last[0] is value:
        return last[1]
    text = json.dumps(value, sort_keys=True)
    if isinstance(value, (dict, list)):
        _LAST_PRINT[path] = (value, text)
    return text


def fingerprints(delta: dict[str, Any]) -> Prints:
    """Each part a delta sets, as JSON text."""
    return {path: fingerprint(path, value) for path, value in delta["set"].items()}


@dataclass
class FeedStream:
    """One stream of deltas onto the figures of one full draw."""

    chart_stream: str  # the full figures' "uirevision/frame", as the browser's charts know them
    engine_stream: str  # the engine's name for the series the full draw showed
    cursors: list[int]  # the last step fed two ticks ago, and one tick ago
    held: dict[str, list[Prints]] = field(default_factory=dict)  # per chart: its parts as of those two ticks

    @classmethod
    def start(cls, chart_stream: str, view: dict[str, Any], deltas: dict[str, dict[str, Any]]) -> FeedStream:
        """A stream whose browser holds the full figures of view, whose parts are those of deltas."""
        held = {key: [fingerprints(delta)] * 2 for key, delta in deltas.items()}
        return cls(chart_stream, view["stream"], [view["steps_done"]] * 2, held)

    def since(self) -> tuple[str, int]:
        """What to ask the engine for: the rows of this stream after the step fed two ticks ago."""
        return self.engine_stream, self.cursors[0]

    def fresh(self, key: str, delta: dict[str, Any]) -> tuple[dict[str, Any], Prints]:
        """The delta without the parts the browser holds even if the last tick's feed was lost; and its prints."""
        prints = fingerprints(delta)
        older, newer = self.held.get(key, [{}, {}])
        kept = {
            path: delta["set"][path] for path, text in prints.items() if not older.get(path) == newer.get(path) == text
        }
        return {"append": delta["append"], "set": kept}, prints

    def fed(self, step: int, prints: dict[str, Prints]) -> None:
        """A tick's feed went out: it reached step and set these parts."""
        self.cursors = [self.cursors[-1], step]
        for key, new in prints.items():
            older, newer = self.held.get(key, [{}, {}])
            self.held[key] = [newer, {**newer, **new}]
