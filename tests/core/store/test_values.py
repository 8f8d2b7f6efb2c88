"""core.store.values: the checks a run's status, name, tags, notes, config and events pass, and their JSON text."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from core.store.store_errors import StoreError
from core.store.values import (
    MAX_NAME_CHARS,
    MAX_TAGS,
    auto_name,
    events_value,
    json_text,
    mapping_value,
    name_value,
    run_id_value,
    status_value,
    sweep_id_value,
    tags_value,
    text_value,
)


def test_auto_names_use_the_optimizer_and_the_lr_flag() -> None:
    assert auto_name({"optimizer": "adam", "learning_rate": 0.01}, 12) == "adam lr=0.01 #12"
    assert auto_name({"learning_rate": True}, 3) == "run #3" and auto_name({}, 1) == "run #1"


def test_good_values_are_normalised() -> None:
    assert run_id_value(np.int64(4)) == 4 and isinstance(run_id_value(np.int64(4)), int)
    assert status_value("diverged") == "diverged" and name_value("  my run ") == "my run"
    assert sweep_id_value(" s-1 ") == "s-1" and text_value("notes", "hi", 5) == "hi"
    assert tags_value([" a", "b", "a ", "b"]) == ["a", "b"]
    assert mapping_value("config", {"x": 1}) == {"x": 1} and events_value(({"step": 1},)) == [{"step": 1}]


@pytest.mark.parametrize(
    ("check", "value", "words"),
    [
        (run_id_value, 0, "run id 0 is not allowed"),
        (run_id_value, True, "run id True"),
        (status_value, "stopped", "status='stopped' is not allowed: must be one of running, paused, done, diverged"),
        (name_value, "   ", "must be 1 to 200 characters"),
        (name_value, "x" * (MAX_NAME_CHARS + 1), "must be 1 to 200 characters"),
        (sweep_id_value, " ", "sweep_id must not be empty"),
        (tags_value, "a,b", "tags must be a list of strings"),
        (tags_value, ["ok", ""], "tag '' is not allowed"),
        (tags_value, [f"t{i}" for i in range(MAX_TAGS + 1)], "21 tags given; at most 20"),
        (events_value, {"step": 1}, "events must be a list of dicts"),
        (events_value, [1], "each event must be a dict, got int"),
    ],
)
def test_bad_values_are_store_errors_that_say_what_is_allowed(check: object, value: object, words: str) -> None:
    with pytest.raises(StoreError, match=re.escape(words)):
        check(value)  # type: ignore[operator]
    with pytest.raises(StoreError, match="notes is 6 characters long; at most 5"):
        text_value("notes", "sixsix", 5)


def test_json_text_is_sorted_and_takes_numpy_values() -> None:
    text = json_text("config", {"b": np.float32(0.5), "a": np.arange(3), "c": np.int64(2)})
    assert text == '{"a": [0, 1, 2], "b": 0.5, "c": 2}' and json.loads(text)["a"] == [0, 1, 2]
    with pytest.raises(StoreError, match="config cannot be stored as JSON: set values are not allowed"):
        json_text("config", {"x": {1, 2}})
