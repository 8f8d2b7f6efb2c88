"""Timeline deltas: the cursor at the step, the fit and point at the trace's w and b, the arrow along −∇L, small."""

from __future__ import annotations

import json

import numpy as np

from ui.live.timeline_marks import cursor_line, feed_payload, gradient_arrow, timeline_deltas

VIEW = {
    "steps_done": 1000,
    "total_steps": 2000,
    "events": [{"step": 400, "field": "learning_rate", "old": 0.01, "new": 0.1}],
}
RECORD = {
    "step": 10,
    "batch_size": 1,
    "x": 0.5,
    "y": 5.5,
    "w_before": 1.0,
    "b_before": 0.5,
    "w_after": 1.05,
    "b_after": 0.6,
    "grad_w": -5.0,
    "grad_b": -10.0,
}
SURFACE = {"w": np.linspace(-2, 8, 60), "b": np.linspace(-1, 4, 60)}
SAMPLES = {"x": np.array([-2.0, 3.0]), "y": np.array([-7.0, 18.0])}


def test_the_step_charts_get_a_cursor_at_the_step_after_their_own_change_marks() -> None:
    deltas = timeline_deltas(VIEW, RECORD, SAMPLES, SURFACE)
    for key in ("trace_chart", "loss_chart"):  # one change: its mark is shape 0, the cursor goes to shape 1
        assert deltas[key]["set"] == {"layout.shapes.1": cursor_line(10)} and deltas[key]["append"] == []
    converged = timeline_deltas({**VIEW, "converged_step": 700}, RECORD, SAMPLES, SURFACE)
    assert list(converged["trace_chart"]["set"]) == ["layout.shapes.2"]  # after the change and the converged mark
    assert list(timeline_deltas({**VIEW, "events": []}, RECORD, SAMPLES, SURFACE)["loss_chart"]["set"]) == [
        "layout.shapes.0"
    ]


def test_the_cursor_is_at_the_step_over_the_whole_height() -> None:
    line = cursor_line(10)
    assert (line["x0"], line["x1"], line["y0"], line["y1"], line["yref"]) == (10, 10, 0, 1, "paper")


def test_the_fit_line_and_the_landscape_point_are_the_trace_at_the_step() -> None:
    deltas = timeline_deltas(VIEW, RECORD, SAMPLES, SURFACE)
    fit_y = deltas["data_chart"]["set"]["data.2.y"]
    np.testing.assert_allclose(fit_y, [1.05 * -2.0 + 0.6, 1.05 * 3.0 + 0.6], rtol=1e-6)
    point = deltas["landscape_chart"]["set"]
    assert point["data.2.x"] == [1.05] and point["data.2.y"] == [0.6]
    sample = deltas["data_chart"]["set"]
    assert sample["data.3.name"] == "step 10's sample" and sample["data.3.marker.symbol"] == "star"
    assert sample["data.3.x"] == [0.5] and sample["data.3.y"] == [5.5]


def test_the_arrow_starts_where_the_gradient_was_taken_and_points_downhill() -> None:
    arrow = gradient_arrow(RECORD, SURFACE)
    assert (arrow["ax"], arrow["ay"]) == (1.0, 0.5)
    assert arrow["x"] > 1.0 and arrow["y"] > 0.5  # −∇L = (+5, +10)
    assert np.isclose((arrow["y"] - 0.5) / (arrow["x"] - 1.0), 2.0)


def test_a_move_is_a_few_kilobytes_without_rows() -> None:
    payload = feed_payload("3/7", 1, timeline_deltas(VIEW, RECORD, SAMPLES, SURFACE))
    assert payload["columns"] == {"step": {"dtype": "i4", "bdata": ""}}
    assert len(json.dumps(payload)) < 1_000  # the parts only: no shape, trace or series sent again
