"""AppTest for Compare at scale: colour by, filter by result, top N, group select, highlight and seed bands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_compare_runs import chart, page, pick, table, texts, unpacked

from core.regression.config import RegressionConfig
from core.store.run_store import RunStore

OPTIMIZERS = ("sgd", "adam", "rmsprop")
SWEEP = "sweep-20261201-000000-abcdef"


def save_sweep(db: Path, count: int, seeds: int = 1, sweep_id: str | None = SWEEP) -> list[int]:
    """count runs (lr from 1e-3 up by decades over the runs, optimizers in turn), each with `seeds` seeds; run i's
    final loss is 10^-(i+1), so the first runs saved have the largest losses."""
    runs = []
    step = np.arange(101)
    for index in range(count):
        for seed in range(seeds):
            fraction = np.minimum(step / (20 + index + seed), 1.0)
            w, b = 5.0 * fraction, 3.0 * fraction
            config = RegressionConfig(
                n_samples=100,
                learning_rate=float(10 ** (-3 + 3 * index / max(count - 1, 1))),
                optimizer=OPTIMIZERS[index % len(OPTIMIZERS)],
                seed=seed,
            ).to_dict()
            runs.append(
                {
                    "config": config,
                    "status": "done",
                    "step": step,
                    "epoch": np.maximum(step - 1, 0) // 100,
                    "w": w,
                    "b": b,
                    "loss": (5 - w) ** 2 + (3 - b) ** 2 + seed,
                    "final_loss": 10.0 ** -(index + 1),
                    "sweep_id": sweep_id,
                }
            )
    with RunStore(db) as store:
        return store.save_runs(runs)


def legend_entries(figure: dict[str, Any]) -> list[str]:
    return [trace["name"] for trace in figure["data"] if trace.get("showlegend", True) and trace.get("name")]


def colour_bar(figure: dict[str, Any]) -> dict[str, Any] | None:
    return next((t["marker"]["colorbar"] for t in figure["data"] if t.get("marker", {}).get("showscale")), None)


def test_colour_by_learning_rate_gives_few_runs_a_log_colour_bar_and_their_own_legend(scratch_store: Path) -> None:
    ids = save_sweep(scratch_store, 3)
    app = pick(page().run(), *ids)
    assert app.selectbox(key="compare_colour_by").value == "run"  # few runs: a colour each, as before
    assert {"learning_rate", "optimizer", "final_loss", "steps_to_converge"} <= set(
        app.selectbox(key="compare_colour_by").options
    )
    assert colour_bar(chart(app, "compare_overlay_w")) is None
    app.selectbox(key="compare_colour_by").set_value("learning_rate").run()
    assert not app.exception
    figure = chart(app, "compare_overlay_w")
    assert colour_bar(figure)["title"]["text"] == "log10 learning_rate"  # 1e-3 to 1: three decades
    lines = [trace for trace in figure["data"] if trace.get("legendgroup") in {str(i) for i in ids}]
    colours = [trace["line"]["color"] for trace in lines]
    assert len(set(colours)) == 3 and colours[0] == "rgb(68, 1, 84)"  # the lowest lr: the scale's first colour
    assert len(legend_entries(figure)) == 4  # three runs and the target


def test_above_twelve_runs_lines_join_per_colour_and_a_category_gets_a_legend_entry_per_value(
    scratch_store: Path,
) -> None:
    ids = save_sweep(scratch_store, 30)
    app = page().run()
    app.selectbox(key="compare_group").set_value(f"sweep:{SWEEP}").run()
    assert not app.exception
    assert "Picked 30 runs" in texts(app.info)
    assert app.selectbox(key="compare_colour_by").value == "learning_rate"  # many runs: the first setting that varies
    figure = chart(app, "compare_overlay_loss")
    lines = [trace for trace in figure["data"] if trace.get("mode") == "lines" and "customdata" in trace]
    assert 1 < len(lines) <= 16 and all(trace["showlegend"] is False for trace in lines)
    drawn_ids = {run_id for trace in lines for run_id in unpacked(trace["customdata"]).tolist()}
    assert drawn_ids == set(ids) and figure["layout"]["meta"]["runs"] == 30
    assert colour_bar(figure)["title"]["text"] == "log10 learning_rate"
    assert len(legend_entries(figure)) <= 12
    hover = figure["layout"]["meta"]["customdata_text"]  # each run's text, shown by every point of its line
    assert sorted(map(int, hover)) == sorted(ids)
    assert all("learning_rate=" in text and "final loss" in text for text in hover.values())
    drawn = figure["layout"]
    app.selectbox(key="compare_colour_by").set_value("optimizer").run()
    figure = chart(app, "compare_overlay_loss")
    assert legend_entries(figure) == ["optimizer = adam", "optimizer = rmsprop", "optimizer = sgd"]
    assert colour_bar(figure) is None
    assert figure["layout"]["uirevision"] == drawn["uirevision"]  # the same runs: a zoom survives the recolour
    assert figure["layout"]["meta"]["frame"] != drawn["meta"]["frame"]  # a new figure: the live chart redraws
    app.text_input(key="compare_result_filter").set_value('optimizer == "sgd"').run()
    assert chart(app, "compare_overlay_loss")["layout"]["uirevision"] != drawn["uirevision"]  # fewer runs: reset


def test_filter_by_result_narrows_the_table_and_the_charts_and_bad_input_is_explained(scratch_store: Path) -> None:
    ids = save_sweep(scratch_store, 20)
    app = page().run()
    app.selectbox(key="compare_group").set_value(f"sweep:{SWEEP}").run()
    assert len(table(app, "compare_table")) == 20
    app.text_input(key="compare_result_filter").set_value("final_loss < 1e-15").run()
    assert not app.exception
    frame = table(app, "compare_table")
    assert sorted(frame["id"]) == ids[15:]  # losses 1e-16 … 1e-20
    drawn = {int(t["legendgroup"]) for t in chart(app, "compare_overlay_w")["data"] if t.get("legendgroup")}
    assert sorted(drawn) == ids[15:]  # five runs: drawn one trace each, with the legend
    assert "leave out 15 picked runs" in texts(app.caption)
    app.text_input(key="compare_result_filter").set_value('final_loss < 1e-3 and optimizer == "adam"').run()
    assert sorted(table(app, "compare_table")["id"]) == [i for n, i in enumerate(ids) if n % 3 == 1 and n >= 2]
    app.text_input(key="compare_result_filter").set_value("accuracy >= 0.8").run()
    assert not app.exception
    message = texts(app.error).replace("\\", "")  # the message is escaped markdown: shown as typed
    assert "unknown column 'accuracy'" in message and "columns allowed:" in message and "final_loss" in message
    assert len(table(app, "compare_table")) == 20  # a bad filter filters nothing
    app.text_input(key="compare_result_filter").set_value("__import__('os').system('echo hi') == 1").run()
    assert "'.' at character 17 is not allowed" in texts(app.error)  # refused before any name is looked up
    app.text_input(key="compare_result_filter").set_value("__import__('os')").run()
    assert r"unknown column '\_\_import\_\_'" in texts(app.error)  # escaped: not "**import**" in bold
    app.text_input(key="compare_result_filter").set_value("steps_to_converge <= 30").run()
    assert sorted(table(app, "compare_table")["id"]) == ids[:11]  # w and b reach the targets at step 20 + i


def test_top_and_bottom_n_by_a_metric(scratch_store: Path) -> None:
    ids = save_sweep(scratch_store, 10)
    app = page().run()
    app.selectbox(key="compare_rank").set_value("top N").run()
    app.number_input(key="compare_rank_n").set_value(3).run()
    assert table(app, "compare_table")["id"].tolist() == ids[::-1][:3]  # the lowest final losses first
    app.selectbox(key="compare_rank").set_value("bottom N").run()
    assert table(app, "compare_table")["id"].tolist() == ids[:3]
    app.text_input(key="compare_result_filter").set_value('optimizer == "sgd"').run()
    assert table(app, "compare_table")["id"].tolist() == [ids[0], ids[3], ids[6]]
    app.selectbox(key="compare_group").set_value("shown").run()  # the filter's result in one action
    assert sorted(app.session_state["compare_picks"]) == [ids[0], ids[3], ids[6]]


def test_a_highlight_from_the_chart_keeps_only_those_runs(scratch_store: Path) -> None:
    ids = save_sweep(scratch_store, 20)
    app = page().run()
    app.selectbox(key="compare_group").set_value(f"sweep:{SWEEP}").run()
    app.session_state["compare_highlight"] = [ids[3], ids[7]]  # what a click or lasso on a chart's points sets
    app.run()
    figure = chart(app, "compare_overlay_w")
    lit = [t for t in figure["data"] if t.get("mode") == "lines" and "customdata" in t and t["line"]["width"] > 1]
    assert sorted(set(np.concatenate([unpacked(t["customdata"]) for t in lit]).tolist())) == [ids[3], ids[7]]
    faint = [t for t in figure["data"] if t.get("mode") == "lines" and "customdata" in t and t["line"]["width"] == 1]
    assert faint and all(t["opacity"] < 0.5 for t in faint)
    scatter = chart(app, "compare_result_scatter")
    assert scatter["layout"]["dragmode"] == "lasso"
    next(button for button in app.button if button.label == "Keep only these").click()
    app.run()
    assert sorted(app.session_state["compare_picks"]) == [ids[3], ids[7]]
    assert "Kept the 2 highlighted runs" in texts(app.info)


def test_seeds_as_bands_on_every_overlay(scratch_store: Path) -> None:
    ids = save_sweep(scratch_store, 2, seeds=3)
    app = pick(page().run(), *ids)
    app.toggle(key="compare_seed_bands").set_value(True).run()
    assert not app.exception
    for quantity in ("w", "b", "loss"):
        figure = chart(app, f"compare_overlay_{quantity}")
        assert [t for t in figure["data"] if t.get("fill") == "tonexty"], quantity
        means = [t["name"] for t in figure["data"] if t.get("name", "").endswith("(3 seeds)")]
        assert len(means) == 2, means
    assert "2 configs drawn as mean ± one standard deviation" in texts(app.caption)


@pytest.mark.parametrize("count", [101])
def test_past_a_hundred_picks_a_count_replaces_the_chips(scratch_store: Path, count: int) -> None:
    save_sweep(scratch_store, count)
    app = page().run()
    app.selectbox(key="compare_group").set_value(f"sweep:{SWEEP}").run()
    assert not app.exception
    assert not [widget for widget in app.multiselect if widget.label == "Runs to compare"]
    assert f"**{count} runs to compare**" in " ".join(m.value for m in app.markdown)
    next(button for button in app.button if button.label == "Clear the picks").click()
    app.run()
    assert app.session_state["compare_picks"] == []


@pytest.mark.parametrize("count", [20, 120])
def test_a_rerun_with_the_browsers_stale_widget_values_keeps_a_group_pick(scratch_store: Path, count: int) -> None:
    """Under load a rerun (here a Colour by change) can leave before the browser has drawn the group pick's run:
    it then sends the widget values it still shows, the empty run picker and table among them. The picks stay."""
    ids = save_sweep(scratch_store, count)
    app = page().run()
    stale = app._tree.get_widget_states()  # what the browser sends while it still shows the page before the pick
    app.selectbox(key="compare_group").set_value(f"sweep:{SWEEP}").run()
    assert sorted(app.session_state["compare_picks"]) == sorted(ids)
    app._run(stale)
    assert not app.exception
    assert sorted(app.session_state["compare_picks"]) == sorted(ids)
    assert chart(app, "compare_overlay_w")["layout"]["meta"]["runs"] == count
    assert not [info for info in texts(app.info) if info.startswith("Pick runs to compare")]


def test_above_twelve_runs_the_step_inspector_waits_in_an_expander_until_opened(scratch_store: Path) -> None:
    save_sweep(scratch_store, 13)
    app = page().run()
    app.selectbox(key="compare_group").set_value(f"sweep:{SWEEP}").run()
    assert not app.exception
    drawn = {element.key for element in app.get("bidi_component")}
    assert {"compare_overlay_w", "compare_overlay_b", "compare_overlay_loss"} <= drawn
    assert not drawn & {"stored_trace_chart", "stored_loss_chart", "stored_path_chart"}  # not drawn while closed
    assert [e.label for e in app.expander if e.label.startswith("Inspect one of the 13 runs")]
    app.session_state["stored_inspect_open"] = True  # the user opens it (its state, as the browser reports it)
    app.run()
    assert not app.exception
    drawn = {element.key for element in app.get("bidi_component")}
    assert {"stored_trace_chart", "stored_loss_chart", "stored_path_chart"} <= drawn
    assert app.selectbox(key="stored_inspect_run").value is not None
