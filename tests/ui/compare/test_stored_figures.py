"""Compare's stored-run charts: what a Timeline move sets on each of the four, and the loss chart's axis."""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import pytest

from ui.compare import stored_figures
from ui.live.timeline_marks import cursor_line

RUN = {"id": 7, "steps": 3}
POINTS = pd.DataFrame(
    {"step": [0, 1, 2, 3], "w": [0.0, 1.0, 2.0, 3.0], "b": [0.0, 0.5, 1.0, 1.5], "loss": [4.0, 2, 1, 0.5]}
)
RECORD = {
    "step": 2,
    "batch_size": 1,
    "x": 0.25,
    "y": 4.0,
    "w_before": 1.0,
    "b_before": 0.5,
    "w_after": 2.0,
    "b_after": 1.0,
    "grad_w": -3.0,
    "grad_b": -1.0,
}


def test_a_move_sets_both_cursors_the_fit_and_sample_and_the_point() -> None:
    deltas = stored_figures.stored_deltas(RECORD, POINTS, {"x": [-2.0, 0.0, 2.0], "y": [0.0, 1.0, 2.0]})
    for key in (stored_figures.TRACE_KEY, stored_figures.LOSS_KEY):
        assert deltas[key] == {"append": [], "set": {"layout.shapes.0": cursor_line(2)}}
    fit = deltas[stored_figures.DATA_KEY]["set"]
    assert fit["data.2.y"] == [2.0 * -2.0 + 1.0, 2.0 * 2.0 + 1.0]  # y = w·x + b at the step, at the data's ends
    assert (fit["data.3.x"], fit["data.3.y"]) == ([0.25], [4.0])
    assert not [part for part in fit if part.endswith(".visible")]  # one data version: nothing to switch
    path = deltas[stored_figures.PATH_KEY]["set"]
    assert (path["data.1.x"], path["data.1.y"]) == ([2.0], [1.0])
    arrow = path["layout.annotations"][0]
    assert (arrow["ax"], arrow["ay"]) == (1.0, 0.5) and arrow["x"] > 1.0 and arrow["y"] > 0.5  # along −∇L


def test_without_samples_the_move_leaves_out_the_data_chart() -> None:
    assert stored_figures.DATA_KEY not in stored_figures.stored_deltas(RECORD, POINTS, None)


@pytest.mark.parametrize(("losses", "axis"), [([4.0, 2, 1, 0.5], "log"), ([4.0, 2, 0.0, 0.5], None)])
def test_the_loss_chart_is_on_a_log_axis_when_every_loss_is_positive(losses: list, axis: str | None) -> None:
    figure = stored_figures.loss_figure(RUN, POINTS.assign(loss=losses), 3)
    assert figure["layout"]["yaxis"].get("type") == axis
    assert figure["layout"]["shapes"] == [cursor_line(3)]


def test_the_data_chart_draws_the_fit_at_the_step_from_the_stored_points() -> None:
    samples = {"x": [-1.0, 0.0, 1.0], "y": [0.0, 1.0, 2.0], "w_target": 5.0, "b_target": 3.0}
    figure = stored_figures.data_figure(RUN, samples, POINTS, 1)
    assert [trace["name"] for trace in figure["data"]] == ["samples", "target", "fit at the step", "the step's sample"]
    assert figure["layout"]["title"]["text"].startswith("Step 1: y = 1.000·x")


def test_a_run_whose_data_changed_shows_the_data_each_step_trained_on() -> None:
    first = {"from_step": 0, "x": [-1.0, 1.0], "y": [-2.0, 8.0], "w_target": 5.0, "b_target": 3.0}
    later = {"from_step": 2, "x": [-2.0, 2.0], "y": [3.0, 3.0], "w_target": 0.0, "b_target": 3.0}
    samples = {**later, "versions": [first, later]}
    figure = stored_figures.data_figure(RUN, samples, POINTS, 1)
    assert [trace["visible"] for trace in figure["data"] if "samples" in trace["name"]] == [True, False]
    target = np.frombuffer(base64.b64decode(figure["data"][1]["y"]["bdata"]), np.float32)
    assert target.tolist() == [-2.0, 8.0]  # step 1 trained on the first data: its target line
    at_two = stored_figures.stored_deltas(RECORD, POINTS, samples)[stored_figures.DATA_KEY]["set"]
    assert (at_two["data.0.visible"], at_two["data.4.visible"]) == (False, True)
    assert at_two["data.1.x"] == at_two["data.2.x"] == [-2.0, 2.0] and at_two["data.1.y"] == [3.0, 3.0]
    at_one = stored_figures.stored_deltas({**RECORD, "step": 1}, POINTS, samples)[stored_figures.DATA_KEY]["set"]
    assert (at_one["data.0.visible"], at_one["data.4.visible"]) == (True, False)
