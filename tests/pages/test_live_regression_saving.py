"""AppTest for the Live page's saves: a failed save is shown at once and never toasted; Reset keeps unsaved runs."""

from __future__ import annotations

from pathlib import Path

from page_helpers import click, metric
from streamlit.testing.v1 import AppTest

from core.store.run_store import RunStore


def break_store(path: Path) -> None:
    path.write_bytes(b"this is not a database" * 100)


def toasts(page: AppTest) -> list[str]:
    return [toast.value for toast in page.toast]


def errors(page: AppTest) -> list[str]:
    return [error.value for error in page.error]


def test_a_failed_save_is_shown_in_the_same_run_and_stays_until_a_save_succeeds(
    live_page: AppTest, scratch_store: Path
) -> None:
    live_page.run()
    click(live_page, "Step")
    break_store(scratch_store)
    click(live_page, "Save run")
    assert any("not saved" in text for text in errors(live_page)), errors(live_page)
    assert not any("Saved as run" in text for text in toasts(live_page))
    click(live_page, "Step")
    assert any("not saved" in text for text in errors(live_page))  # still shown on the next run
    scratch_store.unlink()
    click(live_page, "Save run")
    assert not any("not saved" in text for text in errors(live_page))
    assert any("Saved as run #" in text for text in toasts(live_page))
    (saved,) = RunStore(scratch_store).list_runs()
    assert saved["steps"] == 2 and saved["status"] == "paused"


def test_reset_with_a_failing_store_offers_keep_or_discard(live_page: AppTest, scratch_store: Path) -> None:
    live_page.run()
    click(live_page, "Step epoch")
    break_store(scratch_store)
    click(live_page, "Reset")
    assert metric(live_page, "Step") == "1,000"  # not discarded
    assert any("Could not save this run" in warning.value for warning in live_page.warning)
    click(live_page, "Keep this run")
    assert metric(live_page, "Step") == "1,000" and not [b for b in live_page.button if b.label == "Discard it"]
    click(live_page, "Reset")
    click(live_page, "Discard it")
    assert metric(live_page, "Step") == "0" and not any("not saved" in text for text in errors(live_page))


def test_reset_saves_and_says_so(live_page: AppTest, scratch_store: Path) -> None:
    live_page.run()
    click(live_page, "Step")
    click(live_page, "Reset")
    (saved,) = RunStore(scratch_store).list_runs()
    assert any(f"Run #{saved['id']} saved" in text for text in toasts(live_page))
    assert saved["status"] == "paused" and metric(live_page, "Step") == "0"
