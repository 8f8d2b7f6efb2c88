"""AppTest for the Compare Runs page: table, picking, charts, config diff, baseline, actions, sweeps and exports."""

from __future__ import annotations

import base64
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from page_helpers import ROOT, click
from page_helpers import figure as live_figure
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from core.regression.config import RegressionConfig
from core.store.compare import FINAL_LOSS, STEP_LOSS
from core.store.run_store import RunStore

COMPARE_PAGE = str(ROOT / "pages" / "3_Compare_Runs.py")
# The engine process is spawned once and keeps the environment it started with, so the TensorBoard log root
# these tests export under is set before any test runs (collection imports this module first).
LOG_ROOT = Path(os.environ.setdefault("TAPESTREAM_LOGDIR", tempfile.mkdtemp(prefix="tapestream-tb-")))


def seed_run(
    db: Path,
    ramp: int,
    steps: int = 200,
    name: str | None = None,
    status: str = "done",
    events: list[dict] = (),
    w: np.ndarray | None = None,
    final_loss: float | None = None,
    **config: Any,
) -> int:
    """A run whose w and b ramp linearly to the targets (5, 3) by step `ramp`, then stay there."""
    step = np.arange(steps + 1)
    fraction = np.minimum(step / ramp, 1.0)
    w, b = 5.0 * fraction if w is None else w, 3.0 * fraction
    settings = RegressionConfig(n_samples=100, **config).to_dict()
    with RunStore(db) as store:
        return store.save_run(
            config=settings,
            status=status,
            step=step,
            epoch=np.maximum(step - 1, 0) // 100,
            w=w,
            b=b,
            loss=(5 - w) ** 2 + (3 - b) ** 2,
            name=name,
            events=list(events),
            final_loss=final_loss,
        )


def page() -> AppTest:
    return AppTest.from_file(COMPARE_PAGE, default_timeout=180)


def picker(app: AppTest) -> Any:
    """The run picker (its key changes with each pick made elsewhere: ui.compare.picks)."""
    return next(widget for widget in app.multiselect if widget.label == "Runs to compare")


def pick(app: AppTest, *run_ids: int) -> AppTest:
    picker(app).set_value(list(run_ids))
    return app.run()


def chart(app: AppTest, key: str) -> dict[str, Any]:
    """The Plotly figure of the chart keyed ``key``: an overlay's live chart, or an st.plotly_chart."""
    if key.startswith("compare_overlay_"):
        return live_figure(app, key)
    for element in app.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart keyed {key!r}")


def unpacked(spec: dict[str, str]) -> np.ndarray:
    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype={"f4": np.float32, "i4": np.int32}[spec["dtype"]])


def table(app: AppTest, key: str) -> pd.DataFrame:
    """The runs table (it has a key), or a display table recognised by its index name or one of its columns."""
    if key == "compare_table":
        return next(frame.value for frame in app.dataframe if (frame.key or "").startswith(key))
    marker = {"config": "run", "baseline": "Δ steps", "sweep": "steps to converge"}[key]
    frames = [frame.value for frame in app.dataframe]
    return next(frame for frame in frames if marker in frame.columns or frame.index.name == marker)


def texts(elements: Any) -> str:
    return " ".join(element.value for element in elements)


@pytest.fixture
def two_runs(scratch_store: Path) -> tuple[int, int]:
    return seed_run(scratch_store, 100, learning_rate=0.01), seed_run(scratch_store, 150, learning_rate=0.1)


def test_the_table_lists_every_run_newest_first_with_its_settings_and_results(two_runs: tuple[int, int]) -> None:
    app = page().run()
    assert not app.exception
    frame = table(app, "compare_table")
    assert frame["id"].tolist() == [2, 1] and frame["name"].tolist() == ["sgd lr=0.1 #2", "sgd lr=0.01 #1"]
    for column in (
        "status",
        "optimizer",
        "lr",
        "batch",
        "loss fn",
        "epochs",
        "samples",
        "noise",
        "seed",
        "final w",
        "final b",
        FINAL_LOSS,
        STEP_LOSS,
        "steps",
        "created (UTC)",
    ):
        assert column in frame.columns, column
    assert frame["lr"].tolist() == [0.1, 0.01] and frame["steps"].tolist() == [200, 200]
    assert frame["final w"].tolist() == [5.0, 5.0]
    assert "Pick runs to compare" in texts(app.info)


def test_new_runs_appear_on_the_next_rerun(two_runs: tuple[int, int], scratch_store: Path) -> None:
    app = page().run()
    seed_run(scratch_store, 50, name="fresh")
    app.run()
    assert table(app, "compare_table")["name"].iloc[0] == "fresh"


def test_picked_runs_are_overlaid_one_colour_each_with_their_targets(two_runs: tuple[int, int]) -> None:
    app = pick(page().run(), 1, 2)
    assert not app.exception
    (table_widget,) = [frame for frame in app.dataframe if (frame.key or "").startswith("compare_table")]
    assert app.session_state[table_widget.key]["selection"]["rows"] == [1, 0]  # the table ticks what was picked
    w_chart = chart(app, "compare_overlay_w")
    names = [trace["name"] for trace in w_chart["data"]]
    assert names == ["sgd lr=0.01 #1", "sgd lr=0.1 #2", "w* = 5"]
    assert w_chart["data"][0]["line"]["color"] != w_chart["data"][1]["line"]["color"]
    assert [trace["name"] for trace in chart(app, "compare_overlay_b")["data"]][-1] == "b* = 3"
    app.toggle(key="compare_log_loss").set_value(True).run()
    assert chart(app, "compare_overlay_loss")["layout"]["yaxis"]["type"] == "log"
    app.radio(key="compare_x_axis").set_value("epoch").run()
    assert unpacked(chart(app, "compare_overlay_w")["data"][0]["x"])[-1] == pytest.approx(2.0)  # 200 / 100 steps
    app.radio(key="compare_layout").set_value("Side by side").run()
    assert {"compare_run_1", "compare_run_2"} <= {e.proto.id.rsplit("-", 1)[-1] for e in app.get("plotly_chart")}
    landscape = chart(app, "compare_landscape")
    assert landscape["data"][0]["type"] == "contour"
    assert {"sgd lr=0.01 #1", "sgd lr=0.1 #2", "target"} <= {trace.get("name") for trace in landscape["data"]}


def traces(figure: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {trace["name"]: trace for trace in figure["data"]}


def test_smoothing_uses_the_live_pages_ema_over_the_faint_raw_loss(two_runs: tuple[int, int]) -> None:
    app = pick(page().run(), 1)
    (line,) = chart(app, "compare_overlay_loss")["data"]
    raw = unpacked(line["y"])
    app.radio(key="compare_smoothing").set_value("0.9").run()
    drawn = traces(chart(app, "compare_overlay_loss"))
    smoothed, faint = drawn["sgd lr=0.01 #1"], drawn["sgd lr=0.01 #1 (raw)"]
    expected = pd.Series(raw.astype(np.float64)).ewm(alpha=0.1, adjust=False).mean().to_numpy()
    np.testing.assert_allclose(unpacked(smoothed["y"]), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(unpacked(faint["y"]), raw)
    assert faint["opacity"] < 0.5 and faint["showlegend"] is False
    assert chart(app, "compare_overlay_loss")["data"].index(faint) == 0  # drawn first, behind the EMA
    app.radio(key="compare_layout").set_value("Side by side").run()
    assert {"loss", "loss (raw)"} <= set(traces(chart(app, "compare_run_1")))


W_CHANGE = {"step": 100, "field": "w_target", "old": 5.0, "new": 2.0}
LR_CHANGE = {"step": 150, "field": "learning_rate", "old": 0.01, "new": 0.1}


def test_mid_run_changes_are_marked_on_the_charts_and_listed_in_the_config_tab(scratch_store: Path) -> None:
    seed_run(scratch_store, 100, name="steady")
    changed = seed_run(scratch_store, 50, name="changed", events=[W_CHANGE, LR_CHANGE], w_target=2.0)
    app = pick(page().run(), 1, changed)
    assert not app.exception
    drawn = traces(chart(app, "compare_overlay_w"))
    target = drawn["w* of changed"]
    assert target["line"]["dash"] == "dash"
    assert unpacked(target["x"]).tolist() == [0, 100, 100, 200] and unpacked(target["y"]).tolist() == [5, 5, 2, 2]
    assert unpacked(drawn["w* of steady"]["y"]).tolist() == [5, 5]
    marks = drawn["changes in changed"]
    assert marks["mode"] == "markers" and marks["x"] == [100, 150]
    assert marks["text"] == ["w* 5→2 @ step 100", "lr 0.01→0.1 @ step 150"]
    assert marks["y"] == [5.0, 5.0]  # on the run's w line at those steps
    assert "changes in steady" not in drawn
    app.radio(key="compare_layout").set_value("Side by side").run()
    small = chart(app, f"compare_run_{changed}")
    assert [shape["x0"] for shape in small["layout"]["shapes"]] == [100, 150]
    assert [note["text"] for note in small["layout"]["annotations"]] == marks["text"]
    assert unpacked(traces(small)["w*"]["y"]).tolist() == [5, 5, 2, 2]
    changes = next(frame.value for frame in app.dataframe if "change" in frame.value.columns)
    assert changes.to_dict("records") == [
        {"run": "changed", "step": 100, "field": "w_target", "change": "5 → 2"},
        {"run": "changed", "step": 150, "field": "learning_rate", "change": "0.01 → 0.1"},
    ]


def test_ignore_outliers_keeps_a_diverged_run_from_flattening_the_others(scratch_store: Path) -> None:
    seed_run(scratch_store, 100, name="fine")
    swings = 5.0 * np.arange(201) / 200
    swings[150:] = 300_000.0 * (-1.0) ** np.arange(51)
    seed_run(scratch_store, 100, name="diverged", status="diverged", w=swings)
    app = pick(page().run(), 1, 2)
    assert "range" not in chart(app, "compare_overlay_w")["layout"]["yaxis"]  # plotly's autorange: ±300k
    app.toggle(key="compare_ignore_outliers").set_value(True).run()
    figure = chart(app, "compare_overlay_w")
    low, high = figure["layout"]["yaxis"]["range"]
    assert -1.0 < low < 0.0 and 5.0 < high < 6.0  # the starts, the ramps and the target w* = 5
    assert unpacked(traces(figure)["diverged"]["y"]).max() == 300_000.0  # still drawn, cut off by the axis
    app.radio(key="compare_layout").set_value("Side by side").run()
    low, high = chart(app, "compare_run_1")["layout"]["yaxis"]["range"]
    assert -1.0 < low < 0.0 and 5.0 < high < 6.0


def test_config_table_shows_only_differences_when_asked(two_runs: tuple[int, int]) -> None:
    app = pick(page().run(), 1, 2)
    configs = table(app, "config")
    assert configs.columns.tolist() == ["learning_rate"] and configs["learning_rate"].tolist() == [0.01, 0.1]
    app.toggle(key="compare_config_diff").set_value(False).run()
    assert len(table(app, "config").columns) == len(RegressionConfig().to_dict())


def test_baseline_deltas_of_finals_and_steps_to_converge(two_runs: tuple[int, int]) -> None:
    app = pick(page().run(), 1, 2)
    deltas = table(app, "baseline")
    assert deltas["run"].tolist() == ["sgd lr=0.01 #1 (baseline)", "sgd lr=0.1 #2"]
    assert deltas["converged at step"].tolist() == [100, 150] and deltas["Δ steps"].tolist() == [0, 50]
    assert deltas["Δ w"].tolist() == [0.0, 0.0]
    app.selectbox(key="compare_baseline").set_value(2).run()
    deltas = table(app, "baseline")
    assert deltas["run"].iloc[1] == "sgd lr=0.1 #2 (baseline)" and deltas["Δ steps"].tolist() == [-50, 0]


def test_rename_and_tag_a_run_and_bad_names_are_explained(two_runs: tuple[int, int], scratch_store: Path) -> None:
    app = pick(page().run(), 1)
    app.text_input(key="compare_name_1").set_value("   ")
    click(app, "Rename")
    assert "name='   ' is not allowed" in texts(app.error)
    app.text_input(key="compare_name_1").set_value("baseline sgd")
    click(app, "Rename")
    app.text_input(key="compare_tags_1").set_value("tutorial, keep")
    click(app, "Save tags")
    with RunStore(scratch_store) as store:
        run = store.get_run(1)
    assert run["name"] == "baseline sgd" and run["tags"] == ["tutorial", "keep"]
    assert "Run #1 tags: tutorial, keep." in texts(app.success)
    assert table(app, "compare_table")["tags"].tolist() == ["", "tutorial, keep"]


def test_delete_asks_first_and_cancel_keeps_the_runs(two_runs: tuple[int, int], scratch_store: Path) -> None:
    app = pick(page().run(), 1, 2)
    click(app, "Delete 2 picked runs…")
    assert "Delete #1 sgd lr=0.01 #1, #2 sgd lr=0.1 #2 and every saved point?" in texts(app.warning)
    click(app, "Cancel")
    assert not app.warning and len(table(app, "compare_table")) == 2
    picker(app).set_value([2]).run()
    click(app, "Delete 1 picked run…")
    click(app, "Yes, delete")
    with RunStore(scratch_store) as store:
        assert [run["id"] for run in store.list_runs()] == [1]
    assert table(app, "compare_table")["id"].tolist() == [1] and picker(app).value == []
    assert "Deleted run #2." in texts(app.success)


def test_filters_by_text_status_and_tag(two_runs: tuple[int, int], scratch_store: Path) -> None:
    seed_run(scratch_store, 50, name="blew up", status="diverged")
    with RunStore(scratch_store) as store:
        store.set_tags(1, ["keep"])
    app = page().run()
    app.text_input(key="compare_filter_text").set_value("lr=0.1").run()
    assert table(app, "compare_table")["id"].tolist() == [2]
    app.text_input(key="compare_filter_text").set_value("").run()
    app.selectbox(key="compare_filter_status").set_value("diverged").run()
    assert table(app, "compare_table")["name"].tolist() == ["blew up"]
    app.selectbox(key="compare_filter_status").set_value("any").run()
    app.selectbox(key="compare_filter_tag").set_value("keep").run()
    assert table(app, "compare_table")["id"].tolist() == [1]


def test_an_unreadable_run_store_is_explained_and_the_page_stays_up(scratch_store: Path) -> None:
    scratch_store.write_bytes(b"this is not sqlite" * 300)
    app = page().run()
    assert not app.exception
    assert "is not a Tapestream run database" in texts(app.error) and "TAPESTREAM_DB" in texts(app.error)


def test_downloads_hold_every_point_as_long_csv_and_as_json(
    two_runs: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    makers: dict[str, Any] = {}
    original = MediaFileManager.add_deferred

    def capture(self: MediaFileManager, data: Any, mimetype: Any, coordinates: str, **kwargs: Any) -> str:
        makers[kwargs["file_name"]] = data
        return original(self, data, mimetype, coordinates, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    pick(page().run(), 1, 2)
    csv = pd.read_csv(io.StringIO(makers["runs-1-2.csv"]()))
    assert csv.columns.tolist() == ["run_id", "name", "step", "epoch", "w", "b", "loss"]
    assert len(csv) == 2 * 201 and csv["run_id"].unique().tolist() == [1, 2]
    assert csv.iloc[-1].tolist() == [2, "sgd lr=0.1 #2", 200, 1, 5.0, 3.0, 0.0]
    exported = json.loads(makers["runs-1-2.json"]())["runs"]
    assert [run["id"] for run in exported] == [1, 2] and exported[1]["config"]["learning_rate"] == 0.1
    assert exported[0]["events"] == [] and len(exported[0]["points"]["w"]) == 201


def test_bad_sweep_input_is_explained_without_starting_anything(two_runs: tuple[int, int]) -> None:
    app = page().run()
    app.text_input(key="sweep_learning_rate").set_value("0.1, abc")
    click(app, "Start sweep")
    assert "learning_rate='0.1, abc' is not allowed: 'abc' is not a number" in texts(app.error)
    app.text_input(key="sweep_learning_rate").set_value("0, 0.1")
    click(app, "Start sweep")
    assert "learning_rate=0.0 is not allowed: must be a finite number in (0, 10]" in texts(app.error)
    app.text_input(key="sweep_learning_rate").set_value("")
    click(app, "Start sweep")
    assert "choose at least one field to sweep" in texts(app.error)


def test_a_sweep_started_here_is_saved_under_one_id_and_charted(scratch_store: Path) -> None:
    app = page().run()
    for field, value in {"learning_rate": "0.05, 0.1", "seed": "0,1", "n_samples": "30", "epochs": "1"}.items():
        app.text_input(key=f"sweep_{field}").set_value(value)
    click(app, "Start sweep")
    assert not app.exception and not app.error, texts(app.error)
    with RunStore(scratch_store) as store:
        runs = store.list_runs()
    sweep_ids = {run["sweep_id"] for run in runs}
    assert len(runs) == 4 and len(sweep_ids) == 1 and None not in sweep_ids
    (sweep_id,) = sweep_ids
    assert f"Sweep `{sweep_id}`: 4 runs trained" in texts(app.success)
    assert app.selectbox(key="compare_sweep").value == sweep_id
    heatmap = chart(app, "sweep_heatmap")["data"][0]
    assert heatmap["type"] == "heatmap" and heatmap["x"] == ["0.05", "0.1"]
    assert table(app, "sweep")["seed"].tolist() == [0, 1, 0, 1]
    assert table(app, "sweep")["final loss"].tolist() == [run["final_loss"] for run in runs[::-1]]
    assert column_formats(app, "steps to converge")["final loss"]["format"] == "%.3e"
    bands = chart(app, "sweep_bands")["data"]
    assert [trace["name"] for trace in bands if trace.get("showlegend", True)] == [
        "lr=0.05 (2 seeds)",
        "lr=0.1 (2 seeds)",
    ]
    app.radio(key="sweep_chart").set_value("Parallel coordinates").run()
    assert chart(app, "sweep_parallel")["data"][0]["type"] == "parcoords"


def test_tensorboard_export_writes_the_picked_runs_once_inside_the_log_root(
    two_runs: tuple[int, int], tmp_path: Path
) -> None:
    folder = LOG_ROOT.resolve() / tmp_path.name
    app = pick(page().run(), 1, 2)
    app.text_input(key="compare_tb_logdir").set_value(tmp_path.name)
    click(app, "Export 2 runs to TensorBoard")
    click(app, "Export 2 runs to TensorBoard")  # again: replaces the first export
    assert f"Wrote 2 runs under `{folder}`" in texts(app.success), texts(app.error)
    assert app.code[0].value == f"tensorboard --logdir {folder}"
    assert sorted(path.name for path in folder.iterdir()) == ["run-1-sgd_lr=0.01_1", "run-2-sgd_lr=0.1_2"]
    assert [len(list(path.iterdir())) for path in sorted(folder.iterdir())] == [1, 1]  # one event file each


@pytest.mark.parametrize("folder", ["../elsewhere", "/tmp", "a/../../b"])
def test_a_tensorboard_folder_outside_the_log_root_is_refused_naming_the_root(
    two_runs: tuple[int, int], folder: str
) -> None:
    app = pick(page().run(), 1)
    app.text_input(key="compare_tb_logdir").set_value(folder)
    click(app, "Export 1 run to TensorBoard")
    assert not app.exception and not app.success
    assert f"outside the TensorBoard log root {LOG_ROOT.resolve()}" in texts(app.error)
    assert "TAPESTREAM_LOGDIR" in texts(app.error)


def column_formats(app: AppTest, marker: str) -> dict[str, dict[str, Any]]:
    """The column configs (format, width, help) of the display table with a column named marker."""
    element = next(frame for frame in app.dataframe if marker in frame.value.columns)
    return {
        name: {**config, **config.get("type_config", {})} for name, config in json.loads(element.proto.columns).items()
    }


def test_tables_say_which_loss_is_which_and_format_numbers_readably(scratch_store: Path) -> None:
    seed_run(scratch_store, 100, final_loss=0.125)  # the mean over the data; the last step's own loss is 0
    seed_run(scratch_store, 150, w=-314919.5 * np.ones(201))
    app = pick(page().run(), 1, 2)
    listed = table(app, "compare_table").set_index("id")
    assert listed.loc[1, FINAL_LOSS] == 0.125 and listed.loc[1, STEP_LOSS] == 0.0
    deltas = table(app, "baseline")
    assert [FINAL_LOSS, "Δ loss", STEP_LOSS] == [c for c in deltas.columns if "loss" in c]
    assert deltas[FINAL_LOSS].iloc[0] == 0.125 and deltas[STEP_LOSS].iloc[0] == 0.0
    formats = column_formats(app, "Δ steps")
    assert formats[FINAL_LOSS]["format"] == formats[STEP_LOSS]["format"] == "%.3e"  # 8.000e-12, not 0.000000000008
    assert formats["final w"]["format"] == "%.4f" and formats["Δ w"]["width"] >= 110  # room for "-314919.5000"
    assert formats[FINAL_LOSS]["width"] >= 7 * len(FINAL_LOSS)  # and for the header
    assert "None if the run never settles there" in texts(app.caption)
    runs = column_formats(app, "created (UTC)")
    assert runs[FINAL_LOSS]["format"] == "%.3e" and "mean loss over all the data" in runs[FINAL_LOSS]["help"]


def test_open_in_live_regression_restarts_the_live_run_with_that_config(scratch_store: Path) -> None:
    run_id = seed_run(scratch_store, 100, learning_rate=0.1, optimizer="adam")
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180).run()
    app.switch_page("pages/2_Live_Regression.py").run()
    assert app.session_state["live_run"].config == RegressionConfig()
    app.switch_page("pages/3_Compare_Runs.py").run()
    pick(app, run_id)
    click(app, "Open in Live Regression")
    assert not app.exception
    assert app.session_state["live_run"].config == RegressionConfig(n_samples=100, learning_rate=0.1, optimizer="adam")
    assert app.sidebar.selectbox(key="cfg_optimizer").value == "adam"
    assert app.sidebar.number_input(key="cfg_n_samples").value == 100
    assert app.query_params["optimizer"] == "adam" and app.query_params["learning_rate"] == "0.1"


def test_a_run_on_uploaded_data_draws_its_landscape_on_that_data(scratch_store: Path) -> None:
    from core.regression.data import least_squares
    from core.regression.dataset import Dataset
    from core.regression.trainer import Trainer
    from core.store.run_saving import save_trainer

    rng = np.random.default_rng(3)
    x = rng.normal(0, 1, 120).astype(np.float32)
    dataset = Dataset.of(x, 1.5 * x - 0.5 + rng.normal(0, 0.2, 120), "dose", "effect", "trial.csv")
    config = RegressionConfig(data_source="csv", data_hash=dataset.hash, n_samples=len(dataset), epochs=1)
    trainer = Trainer(config, backend="compiled", datasets={dataset.hash: dataset})
    trainer.run()
    with RunStore(scratch_store) as store:
        run_id = save_trainer(trainer, store=store)
    app = AppTest.from_file(COMPARE_PAGE, default_timeout=180).run()
    app.multiselect(key="compare_selected").set_value([run_id]).run()
    assert not app.exception
    landscape = chart(app, "compare_landscape")
    optimum = next(trace for trace in landscape["data"] if "least" in (trace.get("name") or "").lower())
    w_ls, b_ls = least_squares(dataset.x, dataset.y)  # the contours and their optimum are the uploaded data's
    assert optimum["x"][0] == pytest.approx(w_ls, rel=1e-4) and optimum["y"][0] == pytest.approx(b_ls, rel=1e-4)
