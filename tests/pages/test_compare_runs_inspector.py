"""AppTest for Compare's step inspector: a stored run (changed mid-run) replayed exactly at the Timeline's step, and
its four charts (w/b and loss with a cursor, the data with the fit, the path with the point) moved by small deltas."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import numpy as np
import pytest
from page_helpers import ROOT, click, figure
from streamlit.testing.v1 import AppTest

from core.regression.config import RegressionConfig
from core.regression.trainer import Trainer
from core.store.run_saving import save_trainer
from core.store.run_store import RunStore
from ui.live.timeline_feed import encoded
from ui.live.timeline_marks import cursor_line, short

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


def unpacked(spec: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype={"f4": np.float32, "i4": np.int32}[spec["dtype"]])


def test_the_data_chart_draws_the_runs_own_samples_and_the_loss_chart_its_loss(scratch_store: Path) -> None:
    config = RegressionConfig(n_samples=900, epochs=1, data_source="curved", curvature=1.5)
    trainer = Trainer(config, backend="compiled")
    trainer.step(90)
    with RunStore(scratch_store) as store:
        run_id = save_trainer(trainer, store=store)
    app = AppTest.from_file(COMPARE_PAGE, default_timeout=180).run()
    app.multiselect(key="compare_selected").set_value([run_id]).run()
    assert not app.exception
    data = figure(app, "stored_data_chart")["data"]
    x, y = trainer.arrays
    np.testing.assert_array_equal(unpacked(data[0]["x"]), x[::2])  # 900 samples: every 2nd, at most 600
    np.testing.assert_array_equal(unpacked(data[0]["y"]), y[::2])
    ends = np.array([x[::2].min(), x[::2].max()])  # the lines span the samples drawn
    w_ls, b_ls = trainer.least_squares  # curved data has no true line: the target is the least-squares fit
    np.testing.assert_allclose(unpacked(data[1]["y"]), w_ls * ends + b_ls, rtol=1e-5)
    w, b = trainer.trace_column("w")[90], trainer.trace_column("b")[90]  # the fit at the Timeline's (last) step
    np.testing.assert_allclose(unpacked(data[2]["y"]), w * ends + b, rtol=1e-5)
    loss = figure(app, "stored_loss_chart")["data"][0]
    np.testing.assert_array_equal(unpacked(loss["y"]), trainer.trace_column("loss"))


def test_a_move_sends_the_stored_charts_a_small_delta_and_playback_walks_the_record(scratch_store: Path) -> None:
    run_id, trainer = stored_run(scratch_store)
    app = AppTest.from_file(COMPARE_PAGE, default_timeout=180).run()
    app.multiselect(key="compare_selected").set_value([run_id]).run()
    box = app.number_input(key="stored_inspect_step")
    assert (box.min, box.max) == (1, 200)  # the box offers only the run's steps
    trace = figure(app, "stored_trace_chart")
    assert trace["layout"]["shapes"][0]["x0"] == 200 and len(trace["data"]) == 2  # the cursor at the last step
    assert figure(app, "stored_loss_chart")["layout"]["shapes"] == [cursor_line(200)]
    next(s for s in app.slider if s.label == "Timeline").set_value(61).run()
    payload = figure(app, "stored_timeline_feed")
    revision = figure(app, "stored_trace_chart")["layout"]["uirevision"]
    assert payload["stream"] == f"stored-{run_id}-200/0" == f"{revision}/0"
    assert payload["charts"]["stored_trace_chart"]["set"] == {"layout.shapes.0": cursor_line(61)}
    assert payload["charts"]["stored_loss_chart"]["set"] == {"layout.shapes.0": cursor_line(61)}
    point = payload["charts"]["stored_path_chart"]["set"]
    w, b = trainer.trace_column("w"), trainer.trace_column("b")
    assert (point["data.1.x"], point["data.1.y"]) == ([float(w[61])], [float(b[61])])
    arrow = point["layout.annotations"][0]
    assert (arrow["ax"], arrow["ay"]) == pytest.approx((float(w[60]), float(b[60])), rel=1e-6)
    fit = payload["charts"]["stored_data_chart"]["set"]
    x, y = trainer.arrays
    ends = [float(x.min()), float(x.max())]  # 100 samples: the data chart draws them all
    assert fit["data.2.y"] == pytest.approx([float(w[61]) * end + float(b[61]) for end in ends], rel=1e-6)
    index = int(re.search(r"Sample \*\*(\d+)\*\*", "\n".join(m.value for m in app.markdown)).group(1))
    assert (fit["data.3.x"], fit["data.3.y"]) == ([short(x[index])], [short(y[index])])  # the inspector's sample
    assert fit["data.3.marker.symbol"] == "star" and fit["layout.title.text"].startswith("Step 61: ")
    assert len(encoded(payload)) < 1_200  # no series: only the parts that move, as the feed element sends them
    app.selectbox(key="stored_playback_speed").set_value(5).run()  # 28 s to the end: still playing below
    click(app, "Play back from here")
    assert any(b.label == "Stop playback" for b in app.button)
    app.run()
    assert next(s for s in app.slider if s.label == "Timeline").value > 61
    click(app, "Stop playback")
    assert any(b.label == "Play back from here" for b in app.button)
