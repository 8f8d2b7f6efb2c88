"""Timeline deltas: the cursor at the step, the fit and point at the trace's w and b, the arrow along −∇L, small."""

from __future__ import annotations

import base64
import json

import numpy as np

from ui.live.timeline_marks import feed_payload, gradient_arrow, timeline_deltas

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


def test_the_step_charts_get_their_event_marks_and_a_cursor_at_the_step() -> None:
    deltas = timeline_deltas(VIEW, RECORD, SAMPLES, SURFACE)
    for key in ("trace_chart", "loss_chart"):
        shapes = deltas[key]["set"]["layout.shapes"]
        assert [shape["x0"] for shape in shapes] == [400, 10] and deltas[key]["append"] == []


def test_the_fit_line_and_the_landscape_point_are_the_trace_at_the_step() -> None:
    deltas = timeline_deltas(VIEW, RECORD, SAMPLES, SURFACE)
    fit = deltas["data_chart"]["set"]["data.2"]
    fit_y = np.frombuffer(base64.b64decode(fit["y"]["bdata"]), np.float32)
    np.testing.assert_allclose(fit_y, [1.05 * -2.0 + 0.6, 1.05 * 3.0 + 0.6], rtol=1e-6)
    point = deltas["landscape_chart"]["set"]["data.2"]
    assert point["x"] == [1.05] and point["y"] == [0.6]
    assert deltas["data_chart"]["set"]["data.3"]["name"] == "step 10's sample"


def test_the_arrow_starts_where_the_gradient_was_taken_and_points_downhill() -> None:
    arrow = gradient_arrow(RECORD, SURFACE)
    assert (arrow["ax"], arrow["ay"]) == (1.0, 0.5)
    assert arrow["x"] > 1.0 and arrow["y"] > 0.5  # −∇L = (+5, +10)
    assert np.isclose((arrow["y"] - 0.5) / (arrow["x"] - 1.0), 2.0)


def test_a_move_is_a_few_kilobytes_without_rows() -> None:
    payload = feed_payload("3/7", 1, timeline_deltas(VIEW, RECORD, SAMPLES, SURFACE))
    assert payload["columns"] == {"step": {"dtype": "i4", "bdata": ""}}
    assert len(json.dumps(payload)) < 5_000
