"""AppTest for what the Compare page picks up on arrival: recovered runs to import, and ?run=ID links."""

from __future__ import annotations

from pathlib import Path

from page_helpers import ROOT
from streamlit.testing.v1 import AppTest

from core.store.recovery import recovered_files, write_recovery
from core.store.run_store import RunStore


def test_the_compare_page_imports_a_recovered_run(scratch_store: Path) -> None:
    write_recovery(
        {
            "config": {"optimizer": "sgd"},
            "status": "paused",
            "name": "kept",
            "step": [0, 1],
            "epoch": [0, 0],
            "w": [0.0, 0.5],
            "b": [0.0, 0.25],
            "loss": [4.0, 3.0],
        },
        scratch_store,
    )
    compare = AppTest.from_file(str(ROOT / "pages" / "3_Compare_Runs.py"), default_timeout=120).run()
    assert any("could not be saved" in warning.value for warning in compare.warning)
    compare.button(key="import_recovered_runs").click().run()
    (saved,) = RunStore(scratch_store).list_runs()
    assert saved["name"] == "kept" and saved["steps"] == 1 and recovered_files(scratch_store) == []
    assert not any("could not be saved" in warning.value for warning in compare.warning)


def test_a_run_link_picks_that_run_and_a_bad_one_says_so(scratch_store: Path) -> None:
    with RunStore(scratch_store) as store:
        run_id = store.save_run(config={}, status="done", step=[0, 1], epoch=[0, 0], w=[0, 1], b=[0, 1], loss=[2, 1])
    compare = AppTest.from_file(str(ROOT / "pages" / "3_Compare_Runs.py"), default_timeout=120)
    compare.query_params["run"] = str(run_id)
    compare.run()
    assert not compare.exception
    assert compare.session_state["compare_picks"] == [run_id]
    wrong = AppTest.from_file(str(ROOT / "pages" / "3_Compare_Runs.py"), default_timeout=120)
    wrong.query_params["run"] = "999"
    wrong.run()
    assert not wrong.exception and any("run='999' names no stored run" in w.value for w in wrong.warning)
