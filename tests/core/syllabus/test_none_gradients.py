"""Syllabus cards, part 2: every case where tape.gradient returns None, and stopping gradients on purpose."""

from __future__ import annotations

from syllabus_helpers import ok

from core.syllabus.none_gradients import with_article


def test_the_none_cases_match_direct_tf() -> None:
    assert ok("unconnected")["gradients"] == {"dx": None, "dy": 6.0}
    assert ok("unconnected", {"unconnected": "zero"})["gradients"] == {"dx": 0.0, "dy": 6.0}
    replaced = ok("replaced", {"steps": 3})
    assert replaced["gradients"]["grads"] == [1.0, None, None]
    assert replaced["values"]["types_of_x"] == ["ResourceVariable", "EagerTensor", "EagerTensor"]
    assert ok("replaced", {"steps": 3, "use_assign_add": True})["gradients"]["grads"] == [1.0, 1.0, 1.0]
    assert ok("integer")["gradients"] == {"dy_dx": None}
    assert ok("integer", {"dtype": "float32", "x": 3})["gradients"] == {"dy_dx": 6.0}
    stateful = ok("stateful", {"x0": 3.0, "x1": 1.0})
    assert stateful["gradients"] == {"dy_dx0": None, "direct": 8.0} and stateful["values"]["y"] == 16.0
    assert ok("numpy_step")["gradients"] == {"dy_dx": None}
    assert ok("numpy_step", {"use_numpy": False})["gradients"] == {"dy_dx": [[0.5, 1.0], [1.5, 2.0]]}


def test_stopping_gradients_on_purpose() -> None:
    assert ok("stop_recording", {"x": 3.0})["gradients"] == {"dtotal_dx": 6.0}
    assert ok("stop_recording", {"x": 3.0, "stop": False})["gradients"] == {"dtotal_dx": 33.0}
    assert ok("stop_gradient", {"x": 3.0})["gradients"] == {"dy_dx": 3.0}
    assert ok("stop_gradient", {"x": 3.0, "use_stop_gradient": False})["gradients"] == {"dy_dx": 6.0}


def test_the_explanations_follow_the_results() -> None:
    assert "dz/dx is None" in ok("unconnected")["explanation"]
    assert "unconnected_gradients=ZERO" in ok("unconnected", {"unconnected": "zero"})["explanation"]
    assert "x = x + 1 made x a plain Tensor" in ok("replaced")["explanation"]
    steps = ok("replaced", {"steps": 2})["explanation"]
    assert "step 1: x is a ResourceVariable" in steps and "step 2: x is an EagerTensor" in steps
    assert " a EagerTensor" not in steps
    assert "x has dtype int32" in ok("integer")["explanation"]
    assert "x has dtype float32" in ok("integer", {"dtype": "float32"})["explanation"]
    assert "(x1_start + x0)**2, gives 8" in ok("stateful", {"x0": 3.0, "x1": 1.0})["explanation"]
    assert "np.mean" in ok("numpy_step")["explanation"]


def test_class_names_get_the_article_they_are_read_with() -> None:
    assert with_article("EagerTensor") == "an EagerTensor"
    assert with_article("ResourceVariable") == "a ResourceVariable"
    assert with_article("IndexedSlices") == "an IndexedSlices"
