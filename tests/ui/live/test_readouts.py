"""ui.live.readouts: the status word before anything ran, metric deltas that never read '-0.0000', and the texts a
tick carries for the metrics and the status line."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ui.live import readouts


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
    assert readouts.status_word(SimpleNamespace(playing=playing), view) == word


def test_a_delta_that_rounds_to_zero_is_on_target_without_a_sign() -> None:
    assert readouts.delta_to_target(4.99999, 5.0, "w*") == "on target"
    assert readouts.delta_to_target(5.00001, 5.0, "w*") == "on target"
    assert readouts.delta_to_target(4.9, 5.0, "w*") == "-0.1000 vs w*"
    assert readouts.delta_to_target(3.25, 3.0, "b*") == "+0.2500 vs b*"


def test_the_metric_texts_name_each_metric_with_its_value_and_delta() -> None:
    view = {
        "config": {"w_target": 5.0, "b_target": 3.0},
        "w": 4.25,
        "b": 3.0,
        "mean_loss": 0.5,
        "optimum_loss": 0.25,
        "steps_done": 1500,
        "total_steps": 2000,
    }
    assert readouts.metric_texts(view) == {
        "Weight": ("4.2500", "-0.7500 vs w*"),
        "Bias": ("3.0000", "on target"),
        "Loss": ("0.5", "+0.25 vs best fit"),
        "Step": ("1,500", "500 to go"),
    }
    assert readouts.progress(view) == 0.75
    assert readouts.metric_texts({**view, "steps_done": 2000})["Step"] == ("2,000", "finished")
