"""URL query ↔ config: round trips, bad values falling back to defaults with warnings, limits between fields."""

from __future__ import annotations

import pytest

from core.regression.config import RegressionConfig
from core.regression.fields import MAX_TOTAL_STEPS, URL_FIELDS
from core.regression.url_query import URL_KEYS, config_from_query, config_to_query, single_values

BAD_TEXTS: dict[str, str] = {
    "nan": "nan",
    "+inf": "inf",
    "-inf": "-inf",
    "empty": "",
    "huge": "1e12",
    "huge negative": "-1e12",
    "text": "abc",
    "fullwidth five": "５",
    "circled one": "①",
    "arabic-indic three": "٣",
    "one half": "½",
    "emoji": "🙂",
}


def test_round_trip_keeps_only_non_defaults() -> None:
    config = RegressionConfig(learning_rate=0.1, shuffle=True, n_samples=50, optimizer="adam")
    query = config_to_query(config, "eager")
    assert query == {"n_samples": "50", "learning_rate": "0.1", "shuffle": "1", "optimizer": "adam", "backend": "eager"}
    assert config_from_query(query) == (config, "eager", [])
    assert config_to_query(RegressionConfig()) == {}


def test_bad_values_fall_back_with_warnings_naming_them() -> None:
    config, backend, warnings = config_from_query(
        {"learning_rate": "nan", "n_samples": "abc", "foo": "1", "backend": "x", "epochs": "3", "shuffle": "maybe"}
    )
    assert config == RegressionConfig(epochs=3) and backend == "compiled"
    text = " ".join(warnings)
    for name in ("learning_rate", "n_samples", "foo", "backend", "shuffle"):
        assert name in text


@pytest.mark.parametrize("bad", list(BAD_TEXTS.values()), ids=list(BAD_TEXTS))
@pytest.mark.parametrize("key", list(URL_KEYS))
def test_every_bad_text_for_every_key_warns_naming_the_key_and_keeps_the_default(key: str, bad: str) -> None:
    config, _, warnings = config_from_query({key: bad})
    assert config == RegressionConfig()
    assert len(warnings) == 1 and f"{key}={bad!r}" in warnings[0] and "allowed" in warnings[0]


@pytest.mark.parametrize("spec", [spec for spec in URL_FIELDS if spec.low >= 0 and not spec.choices], ids=str)
def test_negative_values_warn_for_fields_that_start_at_zero_or_above(spec) -> None:
    config, _, warnings = config_from_query({spec.url_key: "-1"})
    assert config == RegressionConfig() and f"{spec.url_key}='-1'" in " ".join(warnings)


def test_unicode_digits_are_refused_rather_than_read_as_numbers() -> None:
    _, _, warnings = config_from_query({"epochs": "５"})  # float("５") is 5.0 in Python
    assert "epochs='５'" in warnings[0] and "ASCII" in warnings[0] and "1 – 10,000" in warnings[0]


def test_large_valid_setups_open_as_given() -> None:
    for query in (
        {"n_samples": "10000000", "epochs": "1"},
        {"n_samples": "6000000", "batch_size": "2"},
        {"n_samples": "2000000", "epochs": "10", "batch_size": "full"},
        {"epochs": "10000"},
    ):
        config, _, warnings = config_from_query(query)
        assert warnings == [], query
        for key, text in query.items():
            expected = config.n_samples if text == "full" else int(text)
            assert getattr(config, URL_KEYS[key]) == expected, key
        assert config.total_steps <= MAX_TOTAL_STEPS


def test_too_many_steps_give_one_warning_naming_the_fields_their_values_and_the_count() -> None:
    config, _, warnings = config_from_query({"n_samples": "10000000", "epochs": "2"})
    assert len(warnings) == 1
    message = warnings[0]
    for part in ("n_samples=10000000", "epochs=2", "20,000,000 steps", f"at most {MAX_TOTAL_STEPS:,}", "batch_size=1"):
        assert part in message, part
    assert "epochs='10000000'" not in message
    assert (config.n_samples, config.epochs) == (1000, 2), "n_samples falls back; epochs is kept"
    assert "Using the default n_samples=1000; keeping epochs=2." in message


def test_a_value_that_clashes_only_with_a_default_says_which_default() -> None:
    config, _, warnings = config_from_query({"n_samples": "10000000"})
    assert config == RegressionConfig()
    assert warnings[0].startswith("URL parameter n_samples=10000000 (with the defaults batch_size=1, epochs=2)")
    config, _, warnings = config_from_query({"epochs": "10001"})
    assert config == RegressionConfig() and "epochs='10001'" in warnings[0] and "[1, 10,000]" in warnings[0]


def test_clashing_values_are_resolved_in_one_warning() -> None:
    config, _, warnings = config_from_query({"n_samples": "10000", "batch_size": "5000"})
    assert config.batch_size == 5000 and warnings == []
    config, _, warnings = config_from_query({"n_samples": "100", "batch_size": "5000", "epochs": "3"})
    assert config == RegressionConfig(n_samples=100, epochs=3) and len(warnings) == 1
    assert "n_samples=100, batch_size=5000" in warnings[0] and "batch_size may be at most n_samples" in warnings[0]
    config, _, warnings = config_from_query({"n_samples": "5000000", "batch_size": "6000000", "epochs": "3"})
    assert config == RegressionConfig(epochs=3) and len(warnings) == 1, "dropping batch_size alone leaves 15M steps"


def test_keys_given_twice_with_different_values_warn_and_fall_back() -> None:
    single, warnings = single_values({"learning_rate": ["0.1", "0.2"], "epochs": ["3", "3"], "seed": "4", "x": []})
    assert single == {"epochs": "3", "seed": "4"}
    assert warnings == ["URL parameter learning_rate is given 2 times ('0.1', '0.2'); give it once. Using the default."]


def test_extra_keys_are_known_but_left_to_the_page() -> None:
    config, _, warnings = config_from_query({"speed": "zz", "epochs": "3"}, extra_keys=("speed",))
    assert config == RegressionConfig(epochs=3) and warnings == []
    _, _, warnings = config_from_query({"sped": "1"}, extra_keys=("speed",))
    assert "'sped'" in warnings[0] and "speed" in warnings[0].split("known:")[1]


def test_synthetic_sources_travel_in_the_url_and_uploaded_data_says_it_cannot() -> None:
    config = RegressionConfig(data_source="curved", curvature=2.5)
    assert config_to_query(config) == {"data_source": "curved", "curvature": "2.5"}
    assert config_from_query(config_to_query(config))[0] == config
    back, _, warnings = config_from_query({"data_source": "csv", "learning_rate": "0.1"})
    assert back == RegressionConfig(learning_rate=0.1)
    assert len(warnings) == 1 and "uploaded data cannot travel in a link" in warnings[0]
    hashed, _, warnings = config_from_query({"data_hash": "0123456789abcdef"})
    assert hashed == RegressionConfig() and "Ignored unknown URL parameter 'data_hash'" in warnings[0]
