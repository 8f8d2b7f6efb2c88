"""AppTest for the Live page's Timeline and step inspector: they follow the slider, the box and ◀ ▶, and say why."""

from __future__ import annotations

import json

from page_helpers import click, figure
from streamlit.testing.v1 import AppTest

from core.engine.client import EngineClient
from core.regression.config import RegressionConfig
from ui.live.timeline_marks import cursor_line


def inspector_text(app: AppTest) -> str:
    """Everything the step_inspector container shows, as text."""
    parts = [m.value for m in app.markdown] + [c.value for c in app.code]
    return "\n".join(parts)


def test_no_timeline_before_the_first_step(live_page: AppTest) -> None:
    live_page.run()
    assert not live_page.exception
    assert not [s for s in live_page.slider if s.label == "Timeline"]


def test_the_timeline_moves_the_inspector_and_sends_the_charts_a_small_delta(live_page: AppTest) -> None:
    live_page.run()
    click(live_page, "Step epoch")
    timeline = next(s for s in live_page.slider if s.label == "Timeline")
    assert timeline.value == 1000 and timeline.max == 1000
    assert "**Step 1,000** (epoch 1)" in inspector_text(live_page)
    timeline.set_value(10).run()
    assert not live_page.exception
    text = inspector_text(live_page)
    assert "**Step 10** " in text and "x, y = x_data[9], y_data[9]" in text
    assert live_page.number_input(key="inspect_step").value == 10
    payload = figure(live_page, "timeline_feed")
    assert len(json.dumps(payload)) <= 1_500  # parts only: no series, no shape but the cursor
    for key in ("trace_chart", "loss_chart"):  # the cursor goes after the chart's own marks (here: converged)
        shapes = figure(live_page, key)["layout"].get("shapes", [])
        assert payload["charts"][key]["set"] == {f"layout.shapes.{len(shapes)}": cursor_line(10)}
    # The inspector's numbers are the run's: replayed independently here, step 10's w after equals them.
    reference = EngineClient()
    try:
        handle = reference.open(RegressionConfig())
        rows = reference.step(handle, 10)
        expected = reference.inspect(handle, 10)
    finally:
        reference.shutdown()
    assert f"w.assign_sub(LR * gradients[0])  # w ← {expected['w_before']:.6g} " in text.replace("−", "-")
    assert f" = {expected['w_after']:.6g}\nb.assign_sub" in text.replace("−", "-")
    assert float(rows["w"].iloc[-1]) == expected["w_after"]
    marker = payload["charts"]["landscape_chart"]["set"]
    assert marker["data.2.x"] == [expected["w_after"]] and marker["data.2.y"] == [expected["b_after"]]


def test_the_step_box_and_arrows_move_the_timeline(live_page: AppTest) -> None:
    live_page.run()
    click(live_page, "Step epoch")
    live_page.number_input(key="inspect_step").set_value(500).run()
    assert next(s for s in live_page.slider if s.label == "Timeline").value == 500
    click(live_page, "◀")
    assert next(s for s in live_page.slider if s.label == "Timeline").value == 499
    assert "**Step 499** " in inspector_text(live_page)
    click(live_page, "▶")
    click(live_page, "▶")
    assert next(s for s in live_page.slider if s.label == "Timeline").value == 501


def test_play_back_from_here_walks_the_recorded_trace(live_page: AppTest) -> None:
    live_page.run()
    click(live_page, "Step epoch")
    next(s for s in live_page.slider if s.label == "Timeline").set_value(100).run()
    live_page.selectbox(key="timeline_playback_speed").set_value(100).run()  # 9 s to the end
    click(live_page, "Play back from here")
    assert any(b.label == "Stop playback" for b in live_page.button)
    live_page.run()
    assert next(s for s in live_page.slider if s.label == "Timeline").value > 100


def test_after_one_step_the_inspector_shows_it_without_a_slider(live_page: AppTest) -> None:
    live_page.run()
    click(live_page, "Step")
    assert not live_page.exception
    assert not [s for s in live_page.slider if s.label == "Timeline"]
    assert "**Step 1** " in inspector_text(live_page) and "x, y = x_data[0]" in inspector_text(live_page)


def test_the_step_after_a_mid_run_initial_w_says_it_starts_from_the_value_set(live_page: AppTest) -> None:
    live_page.run()
    click(live_page, "Step epoch")
    live_page.sidebar.number_input(key="cfg_w_init").set_value(8.0).run()
    click(live_page, "Step")
    assert not live_page.exception
    text = inspector_text(live_page)
    assert "**Step 1,001** " in text
    assert "w was set to 8 at step 1,000 (Initial w), so step 1,001 starts from w = 8" in text
    assert "pred = w*x + b  # ŷ = 8 × " in text
    next(s for s in live_page.slider if s.label == "Timeline").set_value(1000).run()
    assert "was set to" not in inspector_text(live_page)
