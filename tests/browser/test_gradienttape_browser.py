"""The GradientTape Explorer in Chromium: the spinner while a fresh engine starts, and editing the playground."""

from __future__ import annotations

import re

from ui.explorer.engine_wait import WAIT_TEXT

CODE_HAS = """text => Array.from(document.querySelectorAll('[data-testid="stCode"]'))
  .some(block => block.textContent.includes(text))"""


def test_editing_the_playground_program_shows_the_new_gradient(page, app_url: str) -> None:
    page.goto(app_url)
    page.get_by_role("link", name=re.compile("GradientTape")).first.click()
    page.get_by_role("tab", name=re.compile("Playground")).click()
    page.wait_for_function(CODE_HAS, arg="dt4/dt1: [10. 20. 30.]")

    program = page.locator(".st-key-playground_program textarea")
    program.fill("t3 = t1 * t1 * t2")
    program.press("Control+Enter")
    page.get_by_role("button", name="Run program").click()

    page.wait_for_function(CODE_HAS, arg="dt3/dt1: [ 20.  80. 180.]")
    page.wait_for_function(CODE_HAS, arg="dt3/dt2: [1. 4. 9.]")
    page.locator(".stGraphVizChart svg").first.wait_for()
    assert page.locator(".stGraphVizChart svg text", has_text="dt3/dt1 = [ 20. 80. 180.]").count() == 1
    assert page.console_errors == []


def test_a_spinner_with_text_shows_while_the_first_engine_call_runs(page, fresh_server_url: str) -> None:
    page.goto(fresh_server_url)
    page.get_by_role("link", name=re.compile("GradientTape")).first.click()
    spinner = page.locator('[data-testid="stSpinner"]', has_text=WAIT_TEXT).first
    spinner.wait_for(state="visible")
    page.wait_for_function(CODE_HAS, arg="dt3/dt1: [10. 20. 30.]")
    page.locator('[data-testid="stSpinner"]').first.wait_for(state="detached")
    assert page.console_errors == []
