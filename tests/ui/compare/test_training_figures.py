"""ui.compare.training_figures: overlays and small multiples, with step-wise targets, change markers and raw loss."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.compare import run_figures, training_figures
from ui.figures import packed


def series(run_id: int, w_target: float = 5.0) -> dict:
    x = np.arange(10)
    return {
        "id": run_id,
        "label": f"run {run_id}",
        "x": x,
        "w": x * 0.5,
        "b": x * 0.3,
        "loss": 1.0 / (1 + x),
        "w_target": w_target,
        "b_target": 3.0,
    }


def test_overlay_has_a_colour_per_run_and_shared_or_own_targets() -> None:
    figure = training_figures.overlay_figure([series(1), series(2)], "w", "step")
    go.Figure(figure)
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["run 1", "run 2", "w* = 5"]
    assert figure["data"][0]["line"]["color"] != figure["data"][1]["line"]["color"]
    own = training_figures.overlay_figure([series(1), series(2, w_target=2.0)], "w", "epoch")
    assert [trace["name"] for trace in own["data"]][2:] == ["w* of run 1", "w* of run 2"]
    loss = training_figures.overlay_figure([series(1)], "loss", "step", log_y=True)
    assert loss["layout"]["yaxis"]["type"] == "log" and len(loss["data"]) == 1


def changed_series(run_id: int = 3) -> dict:
    item = series(run_id, w_target=2.0)
    item["w_target_path"] = {"x": [0.0, 4.0, 4.0, 9.0], "y": [5.0, 5.0, 2.0, 2.0]}
    item["events"] = {"x": [4.0], "label": ["w* 5→2 @ step 4"], "w": [2.0], "b": [1.2], "loss": [0.2]}
    item["raw_loss"] = item["loss"] * 1.5
    return item


def test_a_target_changed_mid_run_is_a_step_wise_line_and_the_change_a_marker() -> None:
    figure = training_figures.overlay_figure([changed_series()], "w", "step")
    go.Figure(figure)
    by_name = {trace["name"]: trace for trace in figure["data"]}
    assert set(by_name) == {"run 3", "w* = 5 → 2", "changes in run 3"}
    assert by_name["w* = 5 → 2"]["x"]["bdata"] == packed([0.0, 4.0, 4.0, 9.0])["bdata"]
    marks = by_name["changes in run 3"]
    assert marks["mode"] == "markers" and marks["x"] == [4.0] and marks["y"] == [2.0]
    assert marks["text"] == ["w* 5→2 @ step 4"] and marks["marker"]["color"] == run_figures.color(0)
    go.Figure(training_figures.run_figure(series(1), "step", log_y=True))
    small = training_figures.run_figure(changed_series(), "step")
    go.Figure(small)
    assert [shape["x0"] for shape in small["layout"]["shapes"]] == [4.0]
    assert small["layout"]["annotations"][0]["text"] == "w* 5→2 @ step 4"


def test_the_smoothed_loss_is_drawn_over_its_faint_raw_line() -> None:
    figure = training_figures.overlay_figure([changed_series(1), series(2)], "loss", "step")
    names = [trace["name"] for trace in figure["data"]]
    assert names[:3] == ["run 1 (raw)", "run 1", "run 2"]  # raw lines first, so behind; series(2) is not smoothed
    raw = figure["data"][0]
    assert raw["opacity"] == training_figures.RAW_OPACITY < 0.5 and raw["showlegend"] is False
    assert raw["line"]["color"] == figure["data"][1]["line"]["color"]
    small = training_figures.run_figure(changed_series(), "step")
    assert [trace["name"] for trace in small["data"]].index("loss (raw)") < [t["name"] for t in small["data"]].index(
        "loss"
    )


def test_a_given_y_range_fixes_the_axes() -> None:
    figure = training_figures.overlay_figure([series(1)], "loss", "step", log_y=True, y_range=[-3.0, 1.0])
    assert figure["layout"]["yaxis"] == {
        "title": {"text": "loss (log)"},
        "type": "log",
        "range": [-3.0, 1.0],
        "autorange": False,
    }
    assert "range" not in training_figures.overlay_figure([series(1)], "w", "step")["layout"]["yaxis"]
    small = training_figures.run_figure(series(1), "step", y_ranges={"w, b": [-1.0, 6.0], "loss": None})
    assert small["layout"]["yaxis"]["range"] == [-1.0, 6.0] and "range" not in small["layout"]["yaxis2"]
