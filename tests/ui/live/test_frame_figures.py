"""ui.live.frame_figures: a live frame's four charts are valid Plotly figures holding the view's numbers and events."""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go
import pytest

from ui.live import frame_figures

EVENTS = [
    {"step": 4, "field": "learning_rate", "old": 0.01, "new": 0.1},
    {"step": 7, "field": "shuffle", "old": False, "new": True},
]


def view(events: list | None = None) -> dict:
    steps = np.arange(10)
    return {
        "config": {"w_target": 5.0, "b_target": 3.0},
        "series": {
            "w": {"step": steps, "value": steps * 0.5},
            "b": {"step": steps, "value": steps * 0.3},
            "loss": {"step": steps, "value": 1.0 / (1 + steps)},
        },
        "smoothed_loss": {"step": steps, "value": 0.5 / (1 + steps)},
        "trajectory": {"step": steps, "w": steps * 0.5, "b": steps * 0.3},
        "batch": {"x": np.array([0.5]), "y": np.array([5.5])},
        "steps_done": 9,
        "total_steps": 20,
        "events": EVENTS if events is None else events,
        "w": 4.5,
        "b": 2.7,
        "loss": 0.1,
        "optimum": (5.0, 3.0),
    }


def unpack(spec: dict) -> list:
    return np.frombuffer(base64.b64decode(spec["bdata"]), {"f4": np.float32, "i4": np.int32}[spec["dtype"]]).tolist()


def test_the_trace_figure_is_the_tutorials_chart_with_event_marks() -> None:
    figure = frame_figures.trace_figure(view(), revision="r1", frame=3)
    go.Figure(figure)
    assert [trace["name"] for trace in figure["data"]] == ["Weight", "Bias", "w target", "b target"]
    assert figure["layout"]["title"]["text"] == "Weight: 4.50, Bias: 2.70"
    assert unpack(figure["data"][0]["y"]) == (np.arange(10) * 0.5).tolist()
    assert unpack(figure["data"][2]["x"]) == [0, 10] and unpack(figure["data"][2]["y"]) == [5.0, 5.0]
    assert figure["layout"]["uirevision"] == "r1" and figure["layout"]["meta"] == {"frame": 3, "step": 9}
    assert [shape["x0"] for shape in figure["layout"]["shapes"]] == [4, 7]
    labels = [note["text"] for note in figure["layout"]["annotations"]]
    assert labels == ["lr 0.01→0.1 @ step 4", "shuffle off→on @ step 7"]


def test_event_marks_are_a_line_and_a_label_per_event() -> None:
    events = [{"step": step, "field": "learning_rate", "old": 0.01, "new": 0.1} for step in (10, 20, 30, 40, 90)]
    shapes, notes = frame_figures.event_marks(events, span=100)
    assert [shape["x0"] for shape in shapes] == [10, 20, 30, 40, 90] and all(s["type"] == "line" for s in shapes)
    assert [note["text"] for note in notes] == [f"lr 0.01→0.1 @ step {e['step']}" for e in events]
    # each label hangs below the ones just left of it, and a label clear of them goes back to the top
    assert [note["y"] for note in notes] == pytest.approx([1.0, 0.94, 0.88, 0.82, 1.0])
    assert frame_figures.event_marks([]) == ([], [])


def test_changes_at_one_step_share_one_label() -> None:
    same_step = [
        {"step": 448, "field": "learning_rate", "old": 0.01, "new": 0.1},
        {"step": 448, "field": "w_init", "old": 0.0, "new": 8.0},
    ]
    shapes, notes = frame_figures.event_marks(same_step, span=2000)
    assert len(shapes) == 1 and [note["text"] for note in notes] == ["lr 0.01→0.1 · w set to 8 @ step 448"]


def test_changes_lying_close_stack_then_abbreviate() -> None:
    close = [{"step": 400 + step, "field": "learning_rate", "old": 0.01, "new": 0.02} for step in range(0, 60, 10)]
    _, notes = frame_figures.event_marks(close, span=2000)  # all within 4% of the axis: one label
    assert len(notes) == 1
    lines = notes[0]["text"].split("<br>")
    assert lines == ["lr 0.01→0.02 @ step 400", "lr 0.01→0.02 @ step 410", "+4 more, to step 450"]
    _, apart = frame_figures.event_marks(close, span=100)  # on a short axis they are far apart
    assert len(apart) == 6


def test_both_step_charts_end_at_the_same_step() -> None:
    frame = view(events=[])
    trace = frame_figures.trace_figure(frame, "r")
    loss = frame_figures.loss_figure(frame, "r", log_scale=True, smoothing=0.0)
    assert max(unpack(trace["data"][2]["x"])) == max(loss["data"][-1]["x"]) == 10
    assert loss["data"][-1]["line"]["width"] == 0 and loss["data"][-1]["showlegend"] is False
    assert "range" not in trace["layout"]["xaxis"] and "range" not in loss["layout"]["xaxis"]  # zoom survives


@pytest.mark.parametrize(
    ("done", "total", "end"),
    [
        (0, 2000, 10),
        (9, 2000, 10),
        (10, 2000, 20),
        (450, 2000, 500),
        (1000, 2000, 2000),
        (2000, 2000, 2000),
        (5000, 10_000_000, 10_000),
        (3, 4, 4),
        (0, 0, 1),
    ],
)
def test_the_step_axis_ends_at_a_round_number_past_the_steps_done(done: int, total: int, end: int) -> None:
    assert frame_figures.step_axis_end(done, total) == end


def test_the_loss_figure_fades_the_raw_loss_under_its_ema() -> None:
    smoothed = frame_figures.loss_figure(view(), "r", log_scale=True, smoothing=0.9)
    go.Figure(smoothed)
    assert [trace["name"] for trace in smoothed["data"]] == ["loss", "EMA 0.9", "step axis"]
    assert smoothed["data"][0]["opacity"] == 0.25 and smoothed["layout"]["yaxis"]["type"] == "log"
    raw = frame_figures.loss_figure(view(events=[]), "r", log_scale=False, smoothing=0.0)
    assert len(raw["data"]) == 2 and raw["data"][0]["opacity"] == 1.0 and raw["layout"]["yaxis"]["type"] == "linear"
    assert raw["layout"]["title"]["text"] == "Step loss: 0.1" and raw["layout"]["shapes"] == []


def test_the_data_figure_draws_samples_target_fit_and_the_steps_sample() -> None:
    samples = {"x": np.array([-2.0, 0.0, 1.0]), "y": np.array([-7.0, 3.0, 8.0])}
    figure = frame_figures.data_figure(view(), samples, "r")
    go.Figure(figure)
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["samples", "target", "current fit", "this step's sample"]
    assert unpack(figure["data"][1]["x"]) == [-2.0, 1.0] and unpack(figure["data"][1]["y"]) == [-7.0, 8.0]
    assert unpack(figure["data"][2]["y"]) == np.float32([4.5 * -2 + 2.7, 4.5 + 2.7]).tolist()
    assert figure["layout"]["title"]["text"] == "Fit: y = 4.500·x + 2.700" and len(figure["layout"]["annotations"]) == 2
    negative = frame_figures.data_figure({**view(), "w": 23039.59, "b": -57468.734}, samples, "r")
    assert negative["layout"]["title"]["text"] == "Fit: y = 23039.590·x − 57468.734"
    tiny = frame_figures.data_figure({**view(), "w": -0.0001, "b": -0.0002}, samples, "r")
    assert tiny["layout"]["title"]["text"] == "Fit: y = 0.000·x + 0.000"
    empty = frame_figures.data_figure(view(), {"x": np.zeros(0), "y": np.zeros(0)}, "r")
    assert unpack(empty["data"][1]["x"]) == [-3.0, 3.0]


def test_the_landscape_marks_the_path_now_target_optimum_and_changes() -> None:
    surface = {"w": np.linspace(0, 6, 5), "b": np.linspace(-1, 4, 4), "loss": np.full((4, 5), 100.0)}
    figure = frame_figures.landscape_figure(view(), surface, "r")
    go.Figure(figure)
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["mean loss", "path", "now", "target", "least squares", "changes"]
    assert unpack(figure["data"][0]["z"]) == [2.0] * 20  # log10 of the loss
    changes = figure["data"][-1]
    assert changes["x"] == [2.0, 3.5] and changes["text"][0] == "lr 0.01→0.1"
    assert changes["hovertext"][0] == "lr 0.01→0.1 @ step 4"
    assert figure["layout"]["xaxis"]["range"] == [0.0, 6.0] and figure["layout"]["yaxis"]["range"] == [-1.0, 4.0]
    assert len(frame_figures.landscape_figure(view(events=[]), surface, "r")["data"]) == 5


def test_the_landscape_labels_changes_that_land_close_once() -> None:
    surface = {"w": np.linspace(0, 6, 5), "b": np.linspace(-1, 4, 4), "loss": np.full((4, 5), 100.0)}
    notches = [{"step": 4, "field": "learning_rate", "old": 0.01, "new": 0.02 + i / 100} for i in range(5)]
    changes = frame_figures.landscape_figure(view(events=[*notches, EVENTS[1]]), surface, "r")["data"][-1]
    assert changes["text"] == ["lr 0.01→0.02 +4", "", "", "", "", "shuffle off→on"]  # short: the plot is small
    assert len(changes["hovertext"]) == 6 and changes["hovertext"][4] == "lr 0.01→0.06 @ step 4"


def test_a_new_initial_value_is_labelled_as_a_jump() -> None:
    jump = [
        {"step": 448, "field": "w_init", "old": 0.0, "new": 8.0},
        {"step": 448, "field": "b_init", "old": 0, "new": -2.5},
    ]
    _, notes = frame_figures.event_marks(jump, span=1000)
    assert notes[0]["text"] == "w set to 8 · b set to -2.5 @ step 448"


def test_a_stacked_label_pushes_the_next_one_below_all_its_lines() -> None:
    close = [{"step": 400 + step, "field": "learning_rate", "old": 0.01, "new": 0.02} for step in (0, 10, 20)]
    jump = {"step": 600, "field": "w_init", "old": 0.0, "new": 8.0}
    _, notes = frame_figures.event_marks([*close, jump], span=2000)
    assert notes[0]["text"].count("<br>") == 2 and notes[1]["text"] == "w set to 8 @ step 600"
    assert notes[1]["y"] == pytest.approx(1.0 - 3 * 0.06)
