"""AppTest for the GradientTape Explorer: the tutorial's numbers, live cards, the playground, refusals and bad input."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
import streamlit as st
from explorer_helpers import code_text, errors, explorer, infos, markdown_text, plain_errors

from ui.explorer.engine_wait import WAIT_TEXT

NON_PERSISTENT = (
    "RuntimeError: A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)"
)
HOSTILE_PROGRAMS = [
    ("__import__('os')", "line 1, column 1"),
    ("y = open('x')", "line 1, column 5"),
    ("t3 = t1\ntf.io.write_file('a', 'b')", "line 2, column 1"),
]


def test_the_defaults_show_the_tutorials_printed_numbers() -> None:
    app = explorer()
    assert not app.exception
    printed = code_text(app)
    product = ("t3: [10. 40. 90.]", "dt3/dt1: [10. 20. 30.]", "dt3/dt2: [1. 2. 3.]", "dt3/dt1: None")
    chain = ("dt4/dt1: [10. 20. 30.]", "dt4/dt2: [2. 3. 4.]", "dt4/dt3: [1. 1. 1.]")
    for line in product + chain:
        assert line in printed, line
    assert (
        "    with tf.GradientTape(persistent=persistent) as tape:\n        t3 = t1 * t2\n        t4 = t3 + t2"
        in printed
    )
    assert any(NON_PERSISTENT in text for text in errors(app))


def test_editing_an_example_input_reruns_it_and_bad_text_gets_a_clear_message() -> None:
    app = explorer()
    app.text_input(key="example_product_t1").set_value("2, 3, 4").run()
    printed = code_text(app)
    assert "results = product(\n    t1=[2.0, 3.0, 4.0],\n" in printed
    assert "t3: [ 20.  60. 120.]" in printed and "dt3/dt2: [2. 3. 4.]" in printed
    app.text_input(key="example_product_t1").set_value("1, x, 3").run()
    assert not app.exception
    assert any("t1 holds 'x', which is not a number" in text for text in errors(app))


def test_the_constant_example_gives_none_with_its_reason_until_t1_is_a_variable() -> None:
    app = explorer()
    assert any("dt3/dt1 is None" in text and "tf.constant" in text for text in infos(app))
    app.radio(key="example_constant_t1_kind").set_value("variable").run()
    assert not any("dt3/dt1 is None" in text for text in infos(app))
    assert code_text(app).count("dt3/dt1: None") == 0


def test_a_second_call_raises_until_the_tape_is_persistent() -> None:
    app = explorer()
    app.toggle(key="example_second_call_persistent").set_value(True).run()
    assert not any(NON_PERSISTENT in text for text in errors(app) if "dy_dx" not in text)
    assert "second call dt3/dt1: [10. 20. 30.]" in code_text(app)
    assert "results = second_call(\n" in code_text(app) and "    persistent=True,\n)" in code_text(app)


def test_a_syllabus_card_runs_explains_and_takes_presets_and_bad_input() -> None:
    app = explorer()
    assert [e.label for e in app.expander][0] == "1. What the tape watches"
    assert "dy_dx: [2. 4. 6.]" in code_text(app)
    assert any("x is a trainable tf.Variable" in text for text in infos(app))
    next(b for b in app.button if b.key == "preset_watching_constant").click().run()
    assert "results = watching(x=[1.0, 2.0, 3.0], kind='constant', watch=False" in code_text(app)
    assert "dy_dx: None" in code_text(app)
    app.text_input(key="card_watching_x").set_value("1, a").run()
    assert not app.exception
    assert any("x holds 'a', which is not a number" in text for text in errors(app))


def test_the_playground_default_shows_checked_gradients_and_the_graph() -> None:
    app = explorer()
    printed = code_text(app)
    for line in ("dt4/dt1: [10. 20. 30.]", "dt4/dt2: [2. 3. 4.]", "dt4/dt3: [1. 1. 1.]", "t4: [ 20.  60. 120.]"):
        assert line in printed, line
    assert markdown_text(app).count(":green[✓]") == 3
    dot = app.get("graphviz_chart")[0].proto.spec
    assert 'label="t1 (variable)\\nfloat32 [3]\\n= [1. 2. 3.]\\ndt4/dt1 = [10. 20. 30.]"' in dot


@pytest.mark.parametrize(
    ("program", "where"),
    HOSTILE_PROGRAMS,
)
def test_a_hostile_program_is_refused_with_line_and_column_and_nothing_runs(program: str, where: str) -> None:
    app = explorer()
    app.text_area(key="playground_program").set_value(program).run()
    assert not app.exception
    assert any(f"Refused at {where}" in text for text in errors(app))
    assert "What the tape recorded" not in markdown_text(app) and not app.get("graphviz_chart")


def test_a_bad_input_value_gets_a_clear_message() -> None:
    app = explorer()
    app.text_input(key="pg_input_0_value").set_value('[1, "a"]').run()
    assert not app.exception
    assert any("'a'" in text and "every element must be a number" in text for text in errors(app))
    app.text_input(key="pg_input_0_value").set_value("[1, 2").run()
    assert any("t1 is not a number or a list of numbers" in text for text in errors(app))
    assert not app.get("graphviz_chart")


def test_engine_calls_run_under_a_spinner_with_text(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    real_spinner = st.spinner

    @contextlib.contextmanager
    def spy(text: str = "", **options: object) -> Iterator[None]:
        shown.append(text)
        with real_spinner(text, **options):
            yield

    monkeypatch.setattr(st, "spinner", spy)
    app = explorer()
    assert not app.exception
    assert shown.count(WAIT_TEXT) >= 4 + 1  # the four tutorial examples, the cards, the playground
    assert "engine" in WAIT_TEXT and "first run" in WAIT_TEXT


def test_playground_messages_are_clean_tf_text_and_plain_words() -> None:
    app = explorer()
    app.text_input(key="pg_input_0_value").set_value("[[1, 2]]")
    app.text_input(key="pg_input_1_value").set_value("[[1, 2]]")
    app.text_area(key="playground_program").set_value("t3 = t1 @ t2\nt4 = t3 + t2").run()
    assert not app.exception
    raised = [text for text in plain_errors(app) if "InvalidArgumentError" in text]
    assert raised and "Matrix size-incompatible: In[0]: [1,2], In[1]: [1,2]" in raised[0]
    assert not any("function_node" in text or "/job:localhost" in text for text in plain_errors(app))
    app.text_input(key="pg_input_0_value").set_value("[[1, 2], [3, 4, 5]]").run()
    assert any(
        "input t1: rows have different lengths (2 and 3); a tensor needs equal-length rows" in text
        for text in plain_errors(app)
    )
    assert not any("inputs.t1" in text for text in plain_errors(app))
    app.text_input(key="pg_input_0_value").set_value("[1, 2").run()
    assert any("a [ is never closed" in text for text in plain_errors(app))
    assert not any("Expecting" in text or "char 0" in text for text in plain_errors(app))


def test_the_code_that_ran_shows_the_parsed_program_not_a_raw_split() -> None:
    app = explorer()
    program = "t3 = t1 * t2  # note\x0cimport os; os.system('echo pwned')\nt4 = t3 + t2"
    app.text_area(key="playground_program").set_value(program).run()
    assert not app.exception
    shown = code_text(app)
    assert "        t3 = t1 * t2\n        t4 = t3 + t2" in shown or "    t3 = t1 * t2\n    t4 = t3 + t2" in shown
    assert "os.system" not in shown
    assert not any(line.lstrip().startswith("import os") for line in shown.splitlines())


def test_card_seven_reads_an_eager_tensor() -> None:
    app = explorer()
    assert [e.label for e in app.expander][6].startswith("7. ")
    assert any("x is an EagerTensor" in text for text in infos(app))
    assert not any("a EagerTensor" in text for text in infos(app))
