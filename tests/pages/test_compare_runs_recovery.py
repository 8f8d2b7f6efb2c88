"""AppTest for the Compare page's recovery panel: runs kept beside the store by closed sessions are imported once."""

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
