"""Many-run figures: lines of a colour joined into one WebGL trace with run ids, highlights on top, bands, hover."""

from __future__ import annotations

import base64

import numpy as np

from core.regression.downsample import joint_indices
from ui.compare.colour_key import colour_key
from ui.compare.many_runs_figures import (
    band_overlay_figure,
    hover_text,
    many_overlay_figure,
    result_scatter_figure,
    thinned,
)


def unpacked(spec: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype={"f4": np.float32, "i4": np.int32}[spec["dtype"]])


def item(run_id: int, length: int = 5) -> dict:
    x = np.arange(length)
    return {
        "id": run_id,
        "label": f"run {run_id}",
        "x": x,
        "w": x * 1.0,
        "b": x * 2.0,
        "loss": 1.0 / (1 + x),
        "w_target": 5.0,
        "b_target": 3.0,
        "step": x,
    }


SERIES = [item(1), item(2), item(3, 3)]
RUNS = [{"id": i} for i in (1, 2, 3)]
KEY = colour_key(RUNS, {1: {"optimizer": "sgd"}, 2: {"optimizer": "sgd"}, 3: {"optimizer": "adam"}}, "optimizer")


def test_runs_of_one_colour_share_a_trace_split_by_gaps_with_their_ids() -> None:
    figure = many_overlay_figure(SERIES, "w", "step", KEY, {1: "one"})
    lines = [trace for trace in figure["data"] if "customdata" in trace and trace["mode"] == "lines"]
    sgd = next(trace for trace in lines if trace["name"] == "optimizer = sgd")
    y = unpacked(sgd["y"])
    assert len(y) == 11 and np.isnan(y[5]) and sgd["connectgaps"] is False
    assert unpacked(sgd["customdata"]).tolist() == [1] * 6 + [2] * 5
    assert len(lines) == 2 and all(trace["showlegend"] is False for trace in lines)
    # each run's hover text goes once, by run id; every point of a line shows its run's (its customdata's) text
    assert figure["layout"]["meta"] == {"runs": 3, "customdata_text": {"1": "one", "2": "run 2", "3": "run 3"}}
    assert all(trace["hovertemplate"].startswith("%{text}<br>") for trace in lines)
    assert [trace["name"] for trace in figure["data"] if trace.get("showlegend", True)] == [
        "w* = 5",
        "optimizer = adam",
        "optimizer = sgd",
    ]


def test_highlighted_runs_are_drawn_thick_on_top_and_the_rest_faint() -> None:
    figure = many_overlay_figure(SERIES, "loss", "step", KEY, {}, highlighted={2}, log_y=True)
    lines = [trace for trace in figure["data"] if "customdata" in trace and trace["mode"] == "lines"]
    assert unpacked(lines[-1]["customdata"]).tolist() == [2] * 5 and lines[-1]["line"]["width"] > 1
    assert all(trace["opacity"] < 0.5 for trace in lines[:-1])
    assert figure["layout"]["yaxis"]["type"] == "log"


def test_bands_fill_between_mean_plus_and_minus_std_and_singles_stay_lines() -> None:
    band = {"step": np.arange(3), "mean": np.ones(3), "std": np.full(3, 0.5), "label": "lr=0.1", "ids": [1, 2]}
    figure = band_overlay_figure([band], [item(3)], "w", KEY)
    upper, lower, mean, single = figure["data"][:4]
    assert unpacked(upper["y"]).tolist() == [1.5] * 3 and unpacked(lower["y"]).tolist() == [0.5] * 3
    assert lower["fill"] == "tonexty" and mean["name"] == "lr=0.1 (2 seeds)" and single["name"] == "run 3"


def test_the_result_scatter_lassos_and_hover_names_settings_and_finals() -> None:
    points = [{"id": 1, "x": 0.1, "y": 1e-3, "hover": "h1"}, {"id": 3, "x": 0.2, "y": 1e-2, "hover": "h3"}]
    figure = result_scatter_figure(points, "learning_rate", "final_loss", KEY, {3}, log_y=True)
    assert figure["layout"]["dragmode"] == "lasso" and figure["data"][0]["customdata"] == [1, 3]
    assert figure["data"][0]["marker"]["size"] == [7, 11]
    text = hover_text(
        "run 1", {"learning_rate": 0.1, "final_loss": 2e-4, "final_w": 5.0, "final_b": 3.0}, ["learning_rate"]
    )
    assert text == "<b>run 1</b><br>learning_rate=0.1<br>final loss 0.0002 · w 5 · b 3"


def _spiky(steps: int = 2001, spikes: int = 11) -> dict:
    """A run's chart series whose w decays with one spike in each of `spikes` even stretches, b and loss spiking
    elsewhere."""
    x = np.arange(steps)
    w, b = np.exp(-x / 300.0), np.exp(-x / 500.0)
    loss = w**2 + b**2
    where = ((np.arange(spikes) + 0.5) * (steps - 2) / spikes).astype(int)
    w[where] += 1.0
    b[where + 37] -= 1.0
    loss[where + 71] += 2.0
    return {**item(7), "x": x, "w": w, "b": b, "loss": loss, "raw_loss": loss * 2, "step": x}


def test_a_run_thinned_for_one_overlay_keeps_every_spike_of_that_quantity_in_its_share() -> None:
    series = _spiky()
    spikes = set(np.flatnonzero(series["w"] > 1.0))
    thin = thinned(series, "w", 25)
    assert len(thin["x"]) <= 25 and spikes <= set(thin["x"].tolist())  # all 11 spikes of w in 25 points
    assert thin["x"][0] == 0 and thin["x"][-1] == 2000
    assert thin["w"].tolist() == series["w"][thin["x"]].tolist()  # real points, not made-up values
    assert "b" not in thin and "loss" not in thin and thin["raw_loss"] is None and thin["id"] == 7
    # the same share kept for w, b and loss together (as before) loses some of w's spikes
    assert not spikes <= set(joint_indices([series["w"], series["b"], series["loss"]], 25).tolist())
    loss = thinned(series, "loss", 25)
    assert set(np.flatnonzero(series["loss"] > 2.0)) <= set(loss["x"].tolist())
    assert loss["raw_loss"].tolist() == (series["loss"][loss["x"]] * 2).tolist()


def test_an_overlay_of_thinned_runs_draws_each_runs_share_only() -> None:
    runs = [_spiky() | {"id": run_id, "label": f"run {run_id}"} for run_id in range(40)]
    key = colour_key([{"id": run["id"]} for run in runs], {}, "run")
    figure = many_overlay_figure([thinned(run, "w", 25) for run in runs], "w", "step", key, {})
    lines = [trace for trace in figure["data"] if trace.get("mode") == "lines" and "customdata" in trace]
    drawn = sum(int(np.isfinite(unpacked(trace["y"])).sum()) for trace in lines)
    assert 40 * 20 <= drawn <= 40 * 25
