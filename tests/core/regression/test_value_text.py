"""core.regression.value_text: config values as text and back, the same everywhere (URL, CLI, sweep form, labels)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.regression.config import ConfigError, RegressionConfig
from core.regression.fields import CLI_FIELDS, FIELDS, FULL_BATCH, UPLOADED, FieldSpec
from core.regression.value_text import (
    ValueTextError,
    boolean,
    display_text,
    event_label,
    number,
    parse_list,
    parse_value,
    query_text,
    resolve_full,
    value_text,
    whole,
    whole_or_full,
)


@pytest.mark.parametrize(("text", "value"), [("0.01", 0.01), ("1e-3", 0.001), ("1_000", 1000.0), (" -2.5 ", -2.5)])
def test_numbers(text: str, value: float) -> None:
    assert number(text) == value and isinstance(number(text), float)


@pytest.mark.parametrize(("text", "value"), [("1000", 1000), ("1e6", 1_000_000), ("1_000_000", 1_000_000), ("2.0", 2)])
def test_whole_numbers(text: str, value: int) -> None:
    assert whole(text) == value and isinstance(whole(text), int)


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (number, "abc", "'abc' is not a number"),
        (number, "inf", "'inf' is not a finite number"),
        (number, "nan", "'nan' is not a finite number"),
        (whole, "2.5", "'2.5' is not a whole number"),
        (whole, "1e400", "'1e400' is not a whole number"),
        (whole, "ten", "'ten' is not a whole number"),
        (boolean, "maybe", "'maybe' is not true or false"),
        (whole_or_full, "huge", "'huge' is not a whole number or 'full'"),
    ],
)
def test_errors_quote_the_text(parse: object, text: str, message: str) -> None:
    with pytest.raises(ValueTextError) as caught:
        parse(text)  # type: ignore[operator]
    assert str(caught.value) == message and isinstance(caught.value, ValueError)


def test_booleans_full_and_words() -> None:
    assert [boolean(word) for word in ("1", "TRUE", "yes", " on ")] == [True] * 4
    assert [boolean(word) for word in ("0", "False", "NO", "off")] == [False] * 4
    assert whole_or_full(" FULL ") == FULL_BATCH and whole_or_full("32") == 32
    assert parse_value("batch_size", "full") == "full" and parse_value("n_samples", "1e3") == 1000
    assert parse_value("optimizer", " Adam ") == "adam" and parse_value("shuffle", "on") is True
    with pytest.raises(ValueTextError):
        parse_value("n_samples", "full")  # only batch_size takes "full"


def test_lists_skip_blanks_and_need_one_value() -> None:
    assert parse_list("learning_rate", " 0.001, ,0.01 ,") == [0.001, 0.01]
    assert parse_list("batch_size", "1,full") == [1, "full"]
    with pytest.raises(ValueTextError, match="comma-separated list"):
        parse_list("seed", " , ")
    with pytest.raises(ValueTextError, match="'x' is not a whole number"):
        parse_list("seed", "0,x")


def test_resolve_full_uses_the_values_own_n_samples() -> None:
    assert resolve_full({"batch_size": "full"}, 1000) == {"batch_size": 1000}
    assert resolve_full({"batch_size": "Full", "n_samples": 20}, 1000) == {"batch_size": 20, "n_samples": 20}
    values = {"batch_size": 8}
    assert resolve_full(values, 1000) == values and resolve_full(values, 1000) is not values


def test_texts_for_the_cli_url_and_labels() -> None:
    assert [value_text(v) for v in (True, 0.01, 1e-05, 5.0, 32, "adam")] == ["true", "0.01", "1e-05", "5", "32", "adam"]
    assert [query_text(v) for v in (True, False, 0.1)] == ["1", "0", "0.1"]
    assert [display_text(v) for v in (True, False, 2.0)] == ["on", "off", "2"]


def test_event_labels() -> None:
    event = {"step": 1512, "field": "learning_rate", "old": 0.01, "new": 0.1}
    assert event_label(event) == "lr 0.01→0.1 @ step 1,512"
    assert event_label({"step": 3, "field": "shuffle", "old": False, "new": True}) == "shuffle off→on @ step 3"
    assert event_label({"step": 3, "field": "backend", "old": "eager", "new": "compiled"}).startswith("backend eager→")


def field_values(spec: FieldSpec) -> st.SearchStrategy:
    """Every valid value of a field (batch_size up to the default n_samples)."""
    if spec.kind is bool:
        return st.booleans()
    if spec.kind is str:  # uploaded data needs a data set of its own, so it is left out here
        return st.sampled_from([choice for choice in spec.choices if choice != UPLOADED])
    high = FIELDS[spec.high].default if isinstance(spec.high, str) else spec.high
    if spec.kind is int:
        return st.integers(int(spec.low), int(high))
    floats = st.floats(spec.low, high, allow_nan=False, exclude_min=spec.open_low)
    return floats.filter(lambda value: spec.low < value <= high if spec.open_low else spec.low <= value <= high)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CLI_FIELDS).flatmap(lambda spec: st.tuples(st.just(spec), field_values(spec))))
def test_every_valid_value_round_trips_through_its_text(case: tuple[FieldSpec, object]) -> None:
    spec, value = case
    RegressionConfig(**{"epochs": 1, spec.name: value})  # valid (one epoch keeps 10M samples under the step limit)
    for text in (value_text(value), query_text(value)):
        parsed = parse_value(spec.name, text)
        assert parsed == value and type(parsed) is type(value), (spec.name, value, text)


def test_floats_keep_every_digit_and_short_ones_stay_short() -> None:
    assert [value_text(v) for v in (0.01, 5.0, 1e-05, 1.2345678, 0.1 + 0.2)] == [
        "0.01",
        "5",
        "1e-05",
        "1.2345678",
        "0.30000000000000004",
    ]
    assert query_text(1.2345678) == "1.2345678"


def test_an_out_of_range_value_parses_but_the_config_refuses_it() -> None:
    with pytest.raises(ConfigError, match="learning_rate"):
        RegressionConfig(learning_rate=parse_value("learning_rate", "-1"))


def test_a_new_initial_w_or_b_is_labelled_as_the_jump_it_makes() -> None:
    assert event_label({"step": 448, "field": "w_init", "old": 0.0, "new": 8.0}) == "w set to 8 @ step 448"
    assert event_label({"step": 3, "field": "b_init", "old": 0.0, "new": -1.5}) == "b set to -1.5 @ step 3"
