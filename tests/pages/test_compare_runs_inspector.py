"""AppTest for Compare's step inspector: a stored run (changed mid-run) replayed exactly at the Timeline's step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from page_helpers import ROOT, click, figure
from streamlit.testing.v1 import AppTest

from core.regression.config import RegressionConfig
from core.regression.trainer import Trainer
from core.store.run_saving import save_trainer
from core.store.run_store import RunStore
from ui.live.timeline_marks import cursor_line

COMPARE_PAGE = str(ROOT / "pages" / "3_Compare_Runs.py")


def stored_run(db: Path) -> tuple[int, Trainer]:
    trainer = Trainer(RegressionConfig(n_samples=100, optimizer="momentum"), backend="compiled")
    trainer.step(60)
    trainer.update(learning_rate=0.05)
    trainer.run()
    with RunStore(db) as store:
        return save_trainer(trainer, store=store), trainer


def test_the_timeline_replays_a_stored_runs_step_exactly(scratch_store: Path) -> None:
    run_id, trainer = stored_run(scratch_store)
    app = AppTest.from_file(COMPARE_PAGE, default_timeout=180).run()
    app.multiselect(key="compare_selected").set_value([run_id]).run()
    assert not app.exception
    timeline = next(s for s in app.slider if s.label == "Timeline")
    assert timeline.value == 200 and timeline.max == 200
    timeline.set_value(61).run()
    text = "\n".join([m.value for m in app.markdown] + [c.value for c in app.code])
    assert "**Step 61** " in text
    w_after = trainer.trace_column("w")[61]
    w_rule = next(line for line in text.splitlines() if line.startswith("# w ← "))  # momentum: w ← w + velocity
    assert w_rule.endswith(f" = {float(w_after):.6g}".replace("-", "−"))
    assert "learning rate 0.05" in text  # the change at step 60 is in force from step 61
    assert not [c for c in app.caption if "differs from the stored points" in c.value]
    click(app, "◀")
    assert next(s for s in app.slider if s.label == "Timeline").value == 60
    text = "\n".join(m.value for m in app.markdown)
    assert "learning rate 0.01" in text


def test_a_move_sends_the_stored_charts_a_small_delta_and_playback_walks_the_record(scratch_store: Path) -> None:
    run_id, trainer = stored_run(scratch_store)
    app = AppTest.from_file(COMPARE_PAGE, default_timeout=180).run()
    app.multiselect(key="compare_selected").set_value([run_id]).run()
    box = app.number_input(key="stored_inspect_step")
    assert (box.min, box.max) == (1, 200)  # the box offers only the run's steps
    trace = figure(app, "stored_trace_chart")
    assert trace["layout"]["shapes"][0]["x0"] == 200 and len(trace["data"]) == 2  # the cursor at the last step
    next(s for s in app.slider if s.label == "Timeline").set_value(61).run()
    payload = figure(app, "stored_timeline_feed")
    revision = figure(app, "stored_trace_chart")["layout"]["uirevision"]
    assert payload["stream"] == f"stored-{run_id}-200/0" == f"{revision}/0"
    assert payload["charts"]["stored_trace_chart"]["set"] == {"layout.shapes.0": cursor_line(61)}
    point = payload["charts"]["stored_path_chart"]["set"]
    w, b = trainer.trace_column("w"), trainer.trace_column("b")
    assert (point["data.1.x"], point["data.1.y"]) == ([float(w[61])], [float(b[61])])
    arrow = point["layout.annotations"][0]
    assert (arrow["ax"], arrow["ay"]) == pytest.approx((float(w[60]), float(b[60])), rel=1e-6)
    assert len(json.dumps(payload)) < 1_000  # no series: only the parts that move
    app.selectbox(key="stored_playback_speed").set_value(5).run()  # 28 s to the end: still playing below
    click(app, "Play back from here")
    assert any(b.label == "Stop playback" for b in app.button)
    app.run()
    assert next(s for s in app.slider if s.label == "Timeline").value > 61
    click(app, "Stop playback")
    assert any(b.label == "Play back from here" for b in app.button)
