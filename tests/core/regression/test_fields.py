"""core.regression.fields: the one field table that names, limits, labels and flags every RegressionConfig field."""

from __future__ import annotations

import dataclasses

from core.regression.config import RegressionConfig
from core.regression.fields import (
    CLI_FIELDS,
    DATA_FIELDS,
    FIELD_NAMES,
    FIELD_TABLE,
    FIELDS,
    FLAGS,
    FORM_FIELDS,
    KEY_COLUMNS,
    MAX_SAMPLES,
    SWEEP_FORM,
    URL_FIELDS,
    applies,
    choice_label,
    flag_name,
    number_text,
    range_text,
    short_name,
)


def unique(values: list) -> bool:
    return len(values) == len(set(values))


def test_every_config_field_has_exactly_one_row() -> None:
    assert [field.name for field in dataclasses.fields(RegressionConfig)] == list(FIELD_NAMES)
    assert unique([spec.name for spec in FIELD_TABLE]) and list(FIELDS) == list(FIELD_NAMES)


def test_the_defaults_are_the_configs() -> None:
    assert {spec.name: spec.default for spec in FIELD_TABLE} == RegressionConfig().to_dict()
    assert all(type(spec.default) is spec.kind for spec in FIELD_TABLE)


def test_flags_labels_and_short_names_are_unique_and_non_empty() -> None:
    flags = [spec.flag for spec in FIELD_TABLE]
    assert unique(flags) and all(flag.startswith("--") and " " not in flag for flag in flags)
    assert FLAGS == {spec.name: spec.flag for spec in FIELD_TABLE}
    for attribute in ("label", "short", "help"):
        values = [getattr(spec, attribute) for spec in FIELD_TABLE]
        assert all(value.strip() for value in values), attribute
        assert attribute == "help" or unique(values), attribute
    assert all(spec.url_key == spec.name for spec in FIELD_TABLE)


def test_limits_and_choices_fit_each_kind() -> None:
    for spec in FIELD_TABLE:
        if spec.kind is str and spec.pattern:
            assert not spec.choices and spec.default == ""  # a text field: empty by default
        elif spec.kind is str:
            assert spec.default in spec.choices and unique(list(spec.choices))
            assert not spec.choice_labels or len(spec.choice_labels) == len(spec.choices)
        elif spec.kind in (int, float):
            assert spec.low < spec.widget_high and spec.low <= spec.default <= spec.widget_high, spec.name
    assert FIELDS["batch_size"].high == "n_samples" and FIELDS["batch_size"].widget_high == MAX_SAMPLES
    assert [spec.name for spec in FIELD_TABLE if spec.takes_full] == ["batch_size"]


def test_key_columns_follow_their_rank() -> None:
    assert list(KEY_COLUMNS.items()) == [
        ("optimizer", "optimizer"),
        ("learning_rate", "lr"),
        ("batch_size", "batch"),
        ("loss", "loss fn"),
        ("epochs", "epochs"),
        ("n_samples", "samples"),
        ("noise_std", "noise"),
        ("seed", "seed"),
    ]
    assert unique(list(KEY_COLUMNS.values()))


def test_data_fields_and_the_sweep_form() -> None:
    assert DATA_FIELDS == {
        "data_source",
        "data_hash",
        "w_target",
        "b_target",
        "n_samples",
        "noise_std",
        "outlier_fraction",
        "noise_growth",
        "curvature",
        "seed",
    }
    ranks = [spec.sweep_rank for spec in SWEEP_FORM]
    assert ranks == sorted(ranks) and unique(ranks) and all(spec.sweep_label for spec in SWEEP_FORM)
    assert [spec.name for spec in SWEEP_FORM][:2] == ["learning_rate", "seed"]
    assert all((spec.sweep == "choice") == (spec.kind is str) for spec in SWEEP_FORM)
    assert all(spec.sweep_example for spec in SWEEP_FORM if spec.sweep == "list")


def test_short_and_flag_names_fall_back_to_the_name() -> None:
    assert (short_name("learning_rate"), short_name("w_target"), short_name("steps")) == ("lr", "w*", "steps")
    assert (flag_name("batch_size"), flag_name("learning_rate"), flag_name("steps")) == ("batch-size", "lr", "steps")


def test_range_text_reads_each_rows_limits() -> None:
    assert range_text(FIELDS["n_samples"]) == f"1 – {MAX_SAMPLES:,}"
    assert range_text(FIELDS["w_target"]) == "-1,000 – 1,000"
    assert range_text(FIELDS["noise_std"]) == "0 – 1,000"
    assert range_text(FIELDS["learning_rate"]) == "above 0, up to 10"
    assert range_text(FIELDS["batch_size"]) == "1 – Samples"
    assert range_text(FIELDS["batch_size"], 250) == "1 – Samples (250)"
    assert range_text(FIELDS["optimizer"]).startswith("one of sgd, momentum")
    assert range_text(FIELDS["shuffle"]) == "on or off"
    assert number_text(0.5) == "0.5" and number_text(2**31 - 1) == "2,147,483,647"


def test_fields_say_where_they_apply_and_show() -> None:
    assert FIELDS["data_source"].default == "synthetic" and FIELDS["data_source"].label == "Data source"
    assert choice_label(FIELDS["data_source"], "csv") == "Your data (CSV)"
    assert choice_label(FIELDS["data_source"], "synthetic") == "Synthetic (the tutorial's)"
    assert applies(FIELDS["curvature"], "curved") and not applies(FIELDS["curvature"], "synthetic")
    assert not applies(FIELDS["w_target"], "csv") and applies(FIELDS["seed"], "csv")
    hidden = {spec.name for spec in FIELD_TABLE if not (spec.in_url and spec.in_cli and spec.in_form)}
    assert hidden == {"data_hash"}
    assert (
        [spec.name for spec in URL_FIELDS] == [spec.name for spec in CLI_FIELDS] == [spec.name for spec in FORM_FIELDS]
    )
