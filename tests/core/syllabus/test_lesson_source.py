"""A lesson's shown code: the globals it needs, its helpers in order, its imports, and the call line."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from core.syllabus.catalog import CARDS
from core.syllabus.lesson_source import (
    IMPORTS,
    LessonSourceError,
    call_line,
    global_names,
    lesson_source,
    program,
    shown_functions,
)
from core.syllabus.tutorial_examples import EXAMPLES

SCALE = 2.0


def square(x: tf.Tensor) -> tf.Tensor:
    """A helper."""
    return x * x


def square_mean(x: tf.Tensor) -> tf.Tensor:
    """A helper with a helper of its own."""
    return tf.reduce_mean(square(x))


def both(x: list[float]) -> dict[str, object]:
    """Uses square twice, directly and through square_mean, and NumPy inside a nested function."""
    x = tf.constant(x)

    def halve(value: tf.Tensor) -> tf.Tensor:
        return np.float32(0.5) * value

    return {"a": square(x), "b": halve(square_mean(x)), "n": len(x.shape)}


def scaled(x: float) -> dict[str, object]:
    """Uses a module constant, which the shown code would not define."""
    return {"y": tf.constant(x) * SCALE}


def test_global_names_are_the_loaded_globals_in_order_with_nested_functions() -> None:
    assert global_names(both) == ["tf", "square", "square_mean", "len", "np"]
    assert global_names(square) == []


def test_shown_functions_put_each_helper_once_before_its_users() -> None:
    assert shown_functions(both) == [square, square_mean, both]


def test_a_module_constant_is_refused() -> None:
    with pytest.raises(LessonSourceError, match="scaled uses 'SCALE'"):
        shown_functions(scaled)


def test_numpy_is_imported_only_when_a_shown_function_uses_it() -> None:
    assert lesson_source(both).startswith("import numpy as np\nimport tensorflow as tf\n\n\ndef square(")
    assert lesson_source(square).startswith("import tensorflow as tf\n\n\ndef square(")
    assert lesson_source(CARDS["numpy_step"].lesson).startswith(IMPORTS["np"])
    assert not lesson_source(CARDS["watching"].lesson).startswith(IMPORTS["np"])


def test_the_call_line_writes_each_input_as_a_literal_and_wraps_long_calls() -> None:
    assert call_line(both, {"x": [1.0, -2.5]}) == "results = both(x=[1.0, -2.5])"
    watching = CARDS["watching"]
    short = call_line(watching.lesson, watching.defaults())
    assert short == "results = watching(x=[1.0, 2.0, 3.0], kind='variable', watch=False, watch_accessed_variables=True)"
    long = call_line(both, {"x": [float(i) for i in range(40)]})
    assert long.startswith("results = both(\n    x=[0.0, 1.0,") and long.endswith("39.0],\n)")


def test_the_program_is_the_source_then_the_call_then_a_print_of_every_result() -> None:
    code = program(both, {"x": [1.0]})
    assert code.startswith(lesson_source(both))
    assert code.endswith(
        '\n\nresults = both(x=[1.0])\nfor name, value in results.items():\n    print(f"{name}: {value}")\n'
    )
    assert "\n\n\ndef square_mean(" in code and "\n\n\ndef both(" in code


def test_every_card_and_example_shows_only_functions_of_its_own_module() -> None:
    lessons = [card.lesson for card in CARDS.values()] + [example.lesson for example in EXAMPLES.values()]
    for lesson in lessons:
        functions = shown_functions(lesson)
        assert functions[-1] is lesson
        assert {function.__module__ for function in functions} == {lesson.__module__}
    assert [f.__name__ for f in shown_functions(CARDS["custom_gradient"].lesson)] == [
        "clip_gradient_norm",
        "custom_gradient",
    ]
    assert "@tf.custom_gradient\ndef clip_gradient_norm(" in lesson_source(CARDS["custom_gradient"].lesson)
