"""ui.live.convergence_mark: the converged step joins the change marks, labelled 'converged @ step k'."""

from __future__ import annotations

from core.regression.value_text import event_label
from ui.live.convergence_mark import chart_events
from ui.live.frame_figures import event_marks


def test_a_converged_run_gets_a_mark_and_others_do_not() -> None:
    change = {"step": 5, "field": "learning_rate", "old": 0.01, "new": 0.1}
    assert chart_events({"events": [change], "converged_step": None}) == [change]
    marked = chart_events({"events": [change], "converged_step": 1200})
    assert marked[0] == change and event_label(marked[1]) == "converged @ step 1,200"
    shapes, notes = event_marks(marked, 2000)
    assert [shape["x0"] for shape in shapes] == [5, 1200]
    assert any(note["text"] == "converged @ step 1,200" for note in notes)
