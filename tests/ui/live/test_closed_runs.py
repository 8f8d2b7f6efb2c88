"""ui.live.closed_runs: a closed session's saved run is told to the same browser once, and forgotten when old."""

from __future__ import annotations

import threading
import time

from ui.live import closed_runs


def test_a_browser_hears_about_its_closed_run_once() -> None:
    browser = closed_runs.browser_key("cookie-a")
    closed_runs.opened(browser)
    closed_runs.closed(browser, 12, 345)
    assert closed_runs.take(closed_runs.browser_key("cookie-b")) is None
    told = closed_runs.take(browser)
    assert (told.run_id, told.steps) == (12, 345)
    assert closed_runs.take(browser) is None


def test_a_new_session_waits_for_its_browsers_closing_one() -> None:
    browser = closed_runs.browser_key("cookie-reload")
    closed_runs.opened(browser)
    threading.Timer(0.3, lambda: closed_runs.closed(browser, 7, 70)).start()
    started = time.monotonic()
    told = closed_runs.take(browser, wait=5.0)
    assert told is not None and told.run_id == 7 and time.monotonic() - started < 4.0


def test_no_wait_without_an_open_session_and_nothing_for_sessions_that_saved_nothing() -> None:
    browser = closed_runs.browser_key("cookie-quiet")
    started = time.monotonic()
    assert closed_runs.take(browser, wait=5.0) is None and time.monotonic() - started < 1.0
    closed_runs.opened(browser)
    closed_runs.closed(browser, None)
    assert closed_runs.take(browser, wait=5.0) is None


def test_old_entries_and_unknown_browsers_are_ignored(monkeypatch) -> None:
    browser = closed_runs.browser_key("cookie-c")
    closed_runs.opened(browser)
    closed_runs.closed(browser, 1, 10)
    assert closed_runs.take(None) is None
    monkeypatch.setattr(closed_runs.time, "time", lambda: 10**12)
    assert closed_runs.take(browser) is None
    assert closed_runs.browser_key(None) is None and closed_runs.browser_key("x") != "x"


def test_the_browser_key_ignores_the_cookies_changing_mask() -> None:
    # Two XSRF cookies one Chromium sent on two loads of the page: the same token under different masks.
    first = "2|3b1ada05|6dc5326c9af77cc2e43410d90c6b4e07|1796126802"
    second = "2|285e7aef|7e81928689b3dc28f770b0331f2feeed|1796126802"
    assert closed_runs.browser_key(first) == closed_runs.browser_key(second)
    assert closed_runs.browser_key(first) != closed_runs.browser_key("2|00000000|6dc5326c9af77cc2e43410d90c6b4e07|1")
    assert closed_runs.browser_key("2|zz|yy|1") == closed_runs.browser_key("2|zz|yy|1")  # unreadable: kept whole
