"""Colour keys: a log scale where values span decades, a linear one otherwise, a colour per category, none missing."""

from __future__ import annotations

from ui.compare.colour_key import BY_RUN, MISSING, colour_key, colour_options, is_log_scale

RUNS = [{"id": i} for i in (1, 2, 3)]


def values(**columns: list) -> dict[int, dict]:
    base = {"optimizer": "sgd", "learning_rate": 0.01, "seed": 0, "data_hash": "x"}
    return {run["id"]: {**base, **{k: v[n] for k, v in columns.items()}} for n, run in enumerate(RUNS)}


def test_options_are_run_the_varying_settings_then_results() -> None:
    options = colour_options(RUNS, values(learning_rate=[0.1, 0.01, 0.001], data_hash=["a", "b", "c"]))
    assert options[:2] == [BY_RUN, "learning_rate"] and "final_loss" in options and "data_hash" not in options


def test_numbers_spanning_decades_get_a_log_colour_bar_with_decade_ticks() -> None:
    key = colour_key(RUNS, values(learning_rate=[0.001, 0.01, 1.0]), "learning_rate")
    (bar,) = key.traces
    assert bar["marker"]["colorbar"]["title"]["text"] == "log10 learning_rate"
    assert bar["marker"]["colorbar"]["ticktext"] == ["1e-3", "1e-2", "1e-1", "1e0"]
    assert key.colours[1] == "rgb(68, 1, 84)" and key.colours[3] == "rgb(253, 231, 37)"  # the scale's two ends
    assert key.colours[2] != key.colours[1] and not key.categorical
    assert is_log_scale([1, 100]) and not is_log_scale([1, 99]) and not is_log_scale([-1, 100])


def test_a_narrow_range_is_linear_and_a_missing_value_is_grey() -> None:
    key = colour_key(RUNS, values(final_loss=[1.0, None, 3.0]), "final_loss")
    assert key.traces[0]["marker"]["colorbar"]["title"]["text"] == "final_loss"
    assert key.colours[2] == MISSING and key.groups[2] == "none"


def test_categories_get_one_legend_entry_per_value() -> None:
    key = colour_key(RUNS, values(optimizer=["sgd", "adam", "sgd"]), "optimizer")
    assert [trace["name"] for trace in key.traces] == ["optimizer = adam", "optimizer = sgd"]
    assert key.colours[1] == key.colours[3] != key.colours[2] and key.categorical
