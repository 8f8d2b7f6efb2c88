"""AppTest for races on the Live Regression page: Add lane, every preset, one lane changed, shared change, reset."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pytest
from page_helpers import click, figure, metric
from streamlit.testing.v1 import AppTest

from core.store.run_store import RunStore
from ui.live.lane_editor import PRESET_OPTIONS

OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad")


def path_points(trace: dict) -> set[tuple]:
    """A landscape path's (w, b) points (its arrays come packed as base64 float32)."""
    w, b = (np.frombuffer(base64.b64decode(trace[axis]["bdata"]), np.float32) for axis in ("x", "y"))
    return set(zip(w, b))


def names(app: AppTest, key: str) -> list[str]:
    return [trace.get("name", "") for trace in figure(app, key)["data"]]


def table(app: AppTest):
    (frame,) = app.table  # the only table on the page, in the block keyed lanes_table
    return frame.value


def preset(app: AppTest, word: str) -> AppTest:
    option = next(option for option in PRESET_OPTIONS if option.startswith(word))
    return app.selectbox(key="race_preset").set_value(option).run()


def test_one_lane_by_default_with_its_lanes_table(live_page: AppTest) -> None:
    live_page.run()
    assert not live_page.exception
    assert "Add lane" in [button.label for button in live_page.button]
    assert any("Optimizers" in option for option in live_page.selectbox(key="race_preset").options)
    assert list(table(live_page)["lane"]) == ["sgd"]  # a single run is its one row (drawn under the charts)
    assert names(live_page, "trace_chart")[:2] == ["Weight", "Bias"]  # a single run draws as it always did


def test_add_lane_starts_a_race_of_two_that_steps_together(live_page: AppTest) -> None:
    live_page.run()
    click(live_page, "Add lane")
    assert not live_page.exception
    assert list(table(live_page)["lane"]) == ["sgd", "momentum"]
    click(live_page, "Step epoch")
    rows = table(live_page)
    assert list(rows["step"]) == [1000, 1000]
    assert rows["w"][0] != rows["w"][1]
    assert metric(live_page, "Weight") == f"{rows['w'][0]:.4f}"  # Weight and Bias are the first lane's
    assert any("momentum" in name for name in names(live_page, "trace_chart"))


@pytest.mark.parametrize("word", ["Optimizers", "Learning rates", "Batch sizes", "Losses", "Starting points"])
def test_every_preset_fills_in_its_lanes_and_every_chart_shows_them(live_page: AppTest, word: str) -> None:
    live_page.run()
    preset(live_page, word)
    assert not live_page.exception, live_page.exception
    click(live_page, "Step")
    click(live_page, "Step")
    labels = list(table(live_page)["lane"])
    expected = {"Optimizers": 6, "Learning rates": 4, "Batch sizes": 3, "Losses": 3, "Starting points": 4}[word]
    assert len(labels) == expected and list(table(live_page)["step"]) == [2] * expected
    for key in ("trace_chart", "loss_chart", "landscape_chart", "data_chart"):
        drawn = " ".join(names(live_page, key))
        assert all(label in drawn for label in labels), (key, labels, drawn)
    if word == "Optimizers":
        assert labels == list(OPTIMIZERS)
    if word == "Losses":
        assert live_page.sidebar.number_input(key="cfg_noise_std").value == 1.0  # "with noise on"


def test_changing_one_lane_marks_its_change_and_leaves_the_others(live_page: AppTest) -> None:
    live_page.run()
    preset(live_page, "Optimizers")
    click(live_page, "Step")
    click(live_page, "Step")
    live_page.selectbox(key="race_lane_pick").set_value(4).run()
    key = next(box.key for box in live_page.number_input if box.key.endswith("_4_learning_rate"))
    live_page.number_input(key=key).set_value(0.1).run()
    assert not live_page.exception
    click(live_page, "Step")
    rows = table(live_page)
    assert rows["lane"][4] == "adam, lr 0.1" and rows["overrides"][0] == "optimizer sgd"
    notes = [note["text"] for note in figure(live_page, "trace_chart")["layout"]["annotations"]]
    assert any("adam, lr 0.1: lr 0.01→0.1 @ step 2" in note for note in notes), notes


def test_a_shared_change_reaches_every_lane_and_reset_starts_the_race_again(live_page: AppTest, tmp_path: Path):
    live_page.run()
    preset(live_page, "Learning rates")
    click(live_page, "Step epoch")
    live_page.sidebar.number_input(key="cfg_w_target").set_value(-2.0).run()
    assert not live_page.exception
    click(live_page, "Step")
    assert list(table(live_page)["step"]) == [1001] * 4
    assert set(table(live_page)["status"]) == {"paused"}  # not playing: the lanes say so, as the status line does
    run = live_page.session_state["live_run"]
    assert run.view["config"]["w_target"] == -2.0 and run.config.w_target == -2.0
    before = list(table(live_page)["w"])
    click(live_page, "Step epoch")
    after = list(table(live_page)["w"])
    assert abs(after[1] + 2) < abs(before[1] + 2) - 1  # lr 0.01 heads for the new w* = -2 too
    assert abs(after[3] + 2) < 0.1
    click(live_page, "Reset")
    rows = table(live_page)
    assert list(rows["step"]) == [0] * 4 and list(rows["lane"]) == ["lr 0.001", "lr 0.01", "lr 0.1", "lr 0.5"]
    runs = RunStore(tmp_path / "runs.sqlite3").list_runs()
    assert len(runs) == 4 and len({run["sweep_id"] for run in runs}) == 1
    assert runs[0]["sweep_id"].startswith("race-") and {run["steps"] for run in runs} == {2000}


def test_a_link_with_lanes_reopens_the_race_and_the_url_follows_its_lanes(live_page: AppTest) -> None:
    live_page.query_params["lanes"] = "optimizer:sgd|optimizer:adam,learning_rate:0.1,label:fast adam|batch_size:full"
    live_page.run()
    assert not live_page.exception and not live_page.warning
    assert list(table(live_page)["lane"]) == ["sgd", "fast adam", "batch full"]
    assert live_page.query_params["lanes"] == (
        "optimizer:sgd|optimizer:adam,learning_rate:0.1,label:fast adam|batch_size:1000"
    )
    preset(live_page, "Learning rates")
    assert live_page.query_params["lanes"] == (
        "learning_rate:0.001|learning_rate:0.01|learning_rate:0.1|learning_rate:0.5"
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("optimizer:sgd|optimizer:lbfgs", "optimizer"),
        ("optimizer:sgd|seed:4", "lanes"),
        ("n_samples:5|optimizer:adam", "lanes"),
        ("|".join(["-"] * 9), "1 to 8 lanes"),
        ("optimizer", "lanes"),
    ],
)
def test_a_bad_lanes_link_falls_back_to_one_lane_with_a_warning(live_page: AppTest, text: str, says: str) -> None:
    live_page.query_params["lanes"] = text
    live_page.run()
    assert not live_page.exception
    warnings = [warning.value for warning in live_page.warning]
    assert any("URL parameter lanes=" in w and says in w and "using one lane" in w for w in warnings), warnings
    assert len(table(live_page)) == 1  # one lane
    assert "lanes" not in live_page.query_params


def test_small_multiples_put_each_lane_in_its_own_column_sharing_the_axes(live_page: AppTest) -> None:
    live_page.run()
    preset(live_page, "Learning rates")
    click(live_page, "Step")
    live_page.toggle(key="race_small_multiples").set_value(True).run()
    assert not live_page.exception
    for key in ("trace_chart", "loss_chart"):
        drawn = figure(live_page, key)
        layout = drawn["layout"]
        assert [layout[f"xaxis{n}"]["matches"] for n in (2, 3, 4)] == ["x"] * 3
        domains = [layout["xaxis"]["domain"]] + [layout[f"xaxis{n}"]["domain"] for n in (2, 3, 4)]
        assert all(left[1] < right[0] for left, right in zip(domains, domains[1:]))
        axes = {trace["name"]: trace.get("xaxis", "x") for trace in drawn["data"]}
        prefix = "w · " if key == "trace_chart" else "loss · "
        assert [axes[f"{prefix}lr {rate}"] for rate in ("0.001", "0.01", "0.1", "0.5")] == ["x", "x2", "x3", "x4"]
    live_page.toggle(key="race_small_multiples").set_value(False).run()
    assert "xaxis2" not in figure(live_page, "trace_chart")["layout"]


def test_add_lane_mid_run_keeps_the_running_lane_and_the_new_one_catches_up(live_page: AppTest) -> None:
    live_page.run()
    click(live_page, "Step")
    click(live_page, "Step")
    weight = metric(live_page, "Weight")
    click(live_page, "Add lane")
    assert not live_page.exception
    rows = table(live_page)
    assert list(rows["lane"]) == ["sgd", "momentum"] and list(rows["step"]) == [2, 0]  # nobody started over
    assert metric(live_page, "Weight") == weight
    assert any("trains from step 0 and catches up" in str(box.value) for box in live_page.warning), live_page.warning
    click(live_page, "Step")
    assert list(table(live_page)["step"]) == [3, 3]
    assert any("momentum" in name for name in names(live_page, "trace_chart"))


def test_a_lanes_change_is_marked_on_its_own_landscape_path(live_page: AppTest) -> None:
    live_page.run()
    preset(live_page, "Optimizers")
    for _ in range(3):
        click(live_page, "Step")
    live_page.selectbox(key="race_lane_pick").set_value(4).run()
    key = next(box.key for box in live_page.number_input if box.key.endswith("_4_learning_rate"))
    live_page.number_input(key=key).set_value(0.1).run()
    click(live_page, "Step")
    traces = {trace.get("name", ""): trace for trace in figure(live_page, "landscape_chart")["data"]}
    assert "changes" not in traces  # no mark of every lane's changes on the first lane's path
    mark = traces["changes · adam, lr 0.1"]
    at = (np.float32(mark["x"][0]), np.float32(mark["y"][0]))
    assert len(mark["x"]) == 1 and at in path_points(traces["path · adam, lr 0.1"])  # on adam's own path
    assert at not in path_points(traces["path · sgd"])
    assert "adam, lr 0.1: lr 0.01→0.1" in mark["hovertext"][0]


def test_with_smoothing_every_lane_draws_its_ema_over_its_faint_loss(live_page: AppTest) -> None:
    live_page.run()
    preset(live_page, "Optimizers")
    live_page.session_state["smoothing"] = "0.9"
    click(live_page, "Step")
    click(live_page, "Step")
    assert not live_page.exception
    traces = {trace.get("name", ""): trace for trace in figure(live_page, "loss_chart")["data"]}
    for label in OPTIMIZERS:
        assert f"EMA · {label}" in traces, sorted(traces)
        assert traces[f"loss · {label}"].get("opacity") == 0.25
