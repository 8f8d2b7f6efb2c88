"""AppTest for the Live Regression page: controls, state, events, URL parameters, bad values and divergence."""

from __future__ import annotations

from pathlib import Path

from page_helpers import LIVE_PAGE, click, figure, metric
from streamlit.testing.v1 import AppTest

from core.store.run_store import RunStore

CHART_KEYS = ("trace_chart", "loss_chart", "data_chart", "landscape_chart")


def test_page_shows_controls_metrics_and_four_live_charts(live_page: AppTest) -> None:
    live_page.run()
    assert not live_page.exception
    labels = [button.label for button in live_page.button]
    for label in ("Play", "Pause", "Step", "Step epoch", "Reset", "Run to end"):
        assert label in labels
    assert [m.label for m in live_page.metric] == ["Weight", "Bias", "Loss", "Step", "R²", "RMSE", "MAE"]
    assert metric(live_page, "Step") == "0"
    for key in CHART_KEYS:
        assert figure(live_page, key)["data"], key
    assert figure(live_page, "trace_chart")["layout"]["title"]["text"] == "Weight: 0.00, Bias: 0.00"


def test_step_and_step_epoch_advance(live_page: AppTest) -> None:
    live_page.run()
    click(live_page, "Step")
    assert metric(live_page, "Step") == "1"
    click(live_page, "Step epoch")
    assert metric(live_page, "Step") == "1,000"
    assert "epoch 2/2" in live_page.markdown[0].value or any("epoch 2/2" in m.value for m in live_page.markdown)


def test_run_to_end_reaches_the_tutorials_result_and_saves_the_run(live_page: AppTest, tmp_path: Path) -> None:
    live_page.run()
    click(live_page, "Run to end")
    for _ in range(5):
        if metric(live_page, "Step") == "2,000":
            break
        live_page.run()
    assert metric(live_page, "Weight") == "5.0000" and metric(live_page, "Bias") == "3.0000"
    assert figure(live_page, "trace_chart")["layout"]["title"]["text"] == "Weight: 5.00, Bias: 3.00"
    assert any("`done`" in m.value for m in live_page.markdown)
    runs = RunStore(tmp_path / "runs.sqlite3").list_runs()
    assert len(runs) == 1 and runs[0]["status"] == "done" and runs[0]["steps"] == 2000


def test_changing_the_learning_rate_mid_run_marks_every_step_chart(live_page: AppTest) -> None:
    live_page.run()
    click(live_page, "Step")
    live_page.sidebar.select_slider(key="cfg_learning_rate").set_value(0.1).run()
    click(live_page, "Step")
    assert metric(live_page, "Step") == "2"
    for key in ("trace_chart", "loss_chart"):
        notes = [note["text"] for note in figure(live_page, key)["layout"]["annotations"]]
        assert "lr 0.01→0.1 @ step 1" in notes
        assert figure(live_page, key)["layout"]["shapes"][0]["x0"] == 1
    assert any("lr 0.01→0.1" in str(trace.get("text")) for trace in figure(live_page, "landscape_chart")["data"])


def test_url_parameters_set_the_config_and_bad_ones_warn() -> None:
    app = AppTest.from_file(LIVE_PAGE, default_timeout=180)
    app.query_params.update({"n_samples": "50", "learning_rate": "nan", "optimizer": "adam", "epochs": "zz"})
    app.run()
    assert app.sidebar.number_input(key="cfg_n_samples").value == 50
    assert app.sidebar.selectbox(key="cfg_optimizer").value == "adam"
    warnings = " ".join(w.value for w in app.warning)
    assert "learning_rate='nan'" in warnings and "epochs='zz'" in warnings
    assert app.sidebar.select_slider(key="cfg_learning_rate").value == 0.01


def test_an_impossible_sidebar_value_is_explained_and_undone(live_page: AppTest) -> None:
    live_page.run()
    live_page.sidebar.number_input(key="cfg_batch_size").set_value(5000).run()
    warnings = " ".join(w.value for w in live_page.warning)
    assert "Batch size = 5000 is not allowed" in warnings and "[1, 1,000]" in warnings
    assert live_page.sidebar.number_input(key="cfg_batch_size").value == 1
    assert not live_page.exception


def test_divergence_stops_the_run_with_an_explanation() -> None:
    app = AppTest.from_file(LIVE_PAGE, default_timeout=180)
    app.query_params["learning_rate"] = "5"
    app.run()
    click(app, "Run to end")
    app.run()
    errors = " ".join(e.value for e in app.error)
    assert "Diverged at step" in errors and "Lower the learning rate" in errors
    assert any("`diverged`" in m.value for m in app.markdown)


def test_reset_starts_over_and_sessions_are_isolated(live_page: AppTest) -> None:
    live_page.run()
    click(live_page, "Step")
    other = AppTest.from_file(LIVE_PAGE, default_timeout=180).run()
    assert metric(live_page, "Step") == "1" and metric(other, "Step") == "0"
    click(live_page, "Reset")
    assert metric(live_page, "Step") == "0"


def test_home_page_links_every_page() -> None:
    home = AppTest.from_file(str(Path(LIVE_PAGE).parents[1] / "dashboard.py"), default_timeout=60).run()
    assert not home.exception
    text = " ".join(str(element.proto) for element in home.main)
    for page in ("GradientTape", "Live Regression", "Compare"):
        assert page in text
