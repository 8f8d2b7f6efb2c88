"""ui.live.lr_find_panel.range_figure: loss against learning rate on log axes, with its three marks."""

from __future__ import annotations

import math

from ui.live.lr_find_panel import range_figure

FOUND = {
    "learning_rates": [0.001, 0.01, 0.1, 1.0],
    "losses": [3.0, 0.5, 0.4, None],
    "suggested": 0.1,
    "divergence_edge": 1.0,
    "two_over_lambda_max": 0.9,
    "steps": 1000,
}


def test_log_axes_losses_and_diverged_rates() -> None:
    figure = range_figure(FOUND)
    assert figure.layout.xaxis.type == "log" and figure.layout.yaxis.type == "log"
    curve, diverged = figure.data
    assert list(curve.x) == [0.001, 0.01, 0.1] and list(curve.y) == [3.0, 0.5, 0.4]
    assert list(diverged.x) == [1.0]


def test_marks_sit_at_their_rates_with_labels_in_log_units() -> None:
    figure = range_figure(FOUND)
    assert sorted(shape.x0 for shape in figure.layout.shapes) == [0.1, 0.9, 1.0]
    notes = {note.text: note.x for note in figure.layout.annotations}
    assert notes == {
        "divergence edge 1": 0.0,
        "2/λ_max 0.9": math.log10(0.9),
        "suggested 0.1": -1.0,
    }
