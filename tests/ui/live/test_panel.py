"""ui.live.panel: the status word before anything ran, and metric deltas that never read '-0.0000'."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ui.live import panel


@pytest.mark.parametrize(
    ("status", "playing", "steps", "word"),
    [
        ("running", False, 0, "ready"),
        ("running", False, 5, "paused"),
        ("running", True, 0, "running"),
        ("done", False, 2000, "done"),
        ("diverged", False, 12, "diverged"),
    ],
)
def test_status_word(status: str, playing: bool, steps: int, word: str) -> None:
    view = {"status": status, "steps_done": steps}
    assert panel.status_word(SimpleNamespace(playing=playing), view) == word


def test_a_delta_that_rounds_to_zero_is_on_target_without_a_sign() -> None:
    assert panel.delta_to_target(4.99999, 5.0, "w*") == ("on target", "off")
    assert panel.delta_to_target(5.00001, 5.0, "w*") == ("on target", "off")
    assert panel.delta_to_target(4.9, 5.0, "w*") == ("-0.1000 vs w*", "auto")
    assert panel.delta_to_target(3.25, 3.0, "b*") == ("+0.2500 vs b*", "auto")
