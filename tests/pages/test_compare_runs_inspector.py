"""AppTest for Compare's step inspector: a stored run (changed mid-run) replayed exactly at the Timeline's step."""

from __future__ import annotations

from pathlib import Path

from page_helpers import ROOT, click
from streamlit.testing.v1 import AppTest

from core.regression.config import RegressionConfig
from core.regression.trainer import Trainer
from core.store.run_saving import save_trainer
from core.store.run_store import RunStore

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
    assert "Step inspector** · step 61 " in text
    w_after = trainer.trace_column("w")[61]
    assert f"w = {float(w_after):.6g}".replace("-", "−") in text
    assert "learning rate 0.05" in text  # the change at step 60 is in force from step 61
    assert not [c for c in app.caption if "differs from the stored points" in c.value]
    click(app, "◀")
    assert next(s for s in app.slider if s.label == "Timeline").value == 60
    text = "\n".join(m.value for m in app.markdown)
    assert "learning rate 0.01" in text
