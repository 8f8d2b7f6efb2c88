"""The card catalogue: run_card's response, its input errors, and the listing the page builds its widgets from."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import tensorflow as tf
from syllabus_helpers import ok

from core.syllabus import catalog
from core.syllabus.card import Card, Field
from core.syllabus.catalog import CARDS, card_listing, run_card

RESPONSE_KEYS = ["name", "title", "inputs", "code", "values", "gradients", "errors", "explanation", "error"]


def test_a_run_answers_in_the_same_shape_every_time() -> None:
    result = ok("watching")
    assert list(result) == RESPONSE_KEYS
    assert result["name"] == "watching" and result["title"] == "What the tape watches"
    assert result["inputs"] == CARDS["watching"].defaults()
    assert list(run_card("nope")) == RESPONSE_KEYS


@pytest.mark.parametrize(
    ("name", "inputs", "words"),
    [
        ("nope", None, "unknown card 'nope'"),
        ("watching", {"zz": 1}, "unknown input 'zz'"),
        ("watching", {"x": "abc"}, "x must be a list"),
        ("watching", {"x": [1.0, float("nan")]}, "x[1]=nan"),
        ("watching", {"kind": "tensor"}, "kind='tensor'"),
        ("watching", {"watch": 1}, "watch=1"),
        ("watching", [1, 2], "inputs must be an object"),
        ("persistent", {"x": True}, "x=True"),
        ("higher_order", {"power": 2.5}, "power=2.5"),
        ("higher_order", {"power": 99}, "power=99"),
        ("custom_gradient", {"clip_norm": 0.0}, "greater than 0"),
        ("intermediate", {"t1": [1.0]}, "same number of elements"),
        ("jacobian", {"x": [1.0, 2.0, 3.0]}, "one column per element"),
        ("batch_jacobian", {"w": [[1.0]]}, "one row per column"),
        ("numpy_step", {"x": [[1.0], [1.0, 2.0]]}, "rows of equal length"),
        ("watching", {"x": [1e300]}, "at most"),
    ],
)
def test_bad_inputs_come_back_as_a_clear_error(name: str, inputs: Any, words: str) -> None:
    result = run_card(name, inputs)
    assert result["error"]["type"] == "CardInputError" and words in result["error"]["message"]
    assert result["code"] is None and result["gradients"] == {}


def broken(x: float) -> dict[str, object]:
    """A lesson that TF refuses: adding vectors of different lengths."""
    return {"y": tf.constant([x, x]) + tf.constant([x, x, x])}


def test_a_lesson_that_raises_comes_back_as_an_error_with_its_code(monkeypatch: pytest.MonkeyPatch) -> None:
    card = Card("broken", "Broken", {"x": Field("number", 1.0)}, broken, lambda inputs, results: "", gradients=())
    monkeypatch.setitem(catalog.CARDS, "broken", card)
    result = run_card("broken")
    assert result["error"]["type"] == "InvalidArgumentError" and "Incompatible shapes" in result["error"]["message"]
    assert "def broken(x: float)" in result["code"] and result["values"] == {} and result["explanation"] == ""


def test_the_listing_describes_every_card_with_plain_defaults() -> None:
    listing = card_listing()
    assert [entry["name"] for entry in listing] == list(CARDS)
    watching = listing[0]
    assert watching["defaults"] == {
        "x": [1.0, 2.0, 3.0],
        "kind": "variable",
        "watch": False,
        "watch_accessed_variables": True,
    }
    assert watching["fields"]["kind"]["choices"] == ["variable", "constant", "nontrainable_variable"]
    assert len(watching["presets"]) == 5


def test_card_functions_are_defined_at_module_level() -> None:
    for card in CARDS.values():
        assert "<locals>" not in card.lesson.__qualname__ and "<locals>" not in card.explain.__qualname__


def test_each_lesson_is_named_after_its_card_and_takes_its_fields_in_order() -> None:
    assert len(CARDS) == 16
    for name, card in CARDS.items():
        assert card.lesson.__name__ == name
        assert list(inspect.signature(card.lesson).parameters) == list(card.fields), name
        assert card.gradients and set(card.gradients) <= set(ok(name)["gradients"]) | set(ok(name)["errors"])
