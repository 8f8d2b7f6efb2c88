"""core.cli.args: config flags built from the field table, the config from them, and one-line errors naming the flag."""

from __future__ import annotations

import pytest

from core.cli.args import (
    OneLineParser,
    add_config_flags,
    check_backend,
    config_error_line,
    config_from_args,
    given_fields,
)
from core.regression.config import ConfigError, RegressionConfig
from core.regression.fields import FIELD_TABLE


def parser(as_lists: bool = False) -> OneLineParser:
    built = OneLineParser(prog="test")
    add_config_flags(built, as_lists=as_lists)
    return built


def test_every_field_has_its_flag_and_unset_flags_keep_the_defaults() -> None:
    options = {option for action in parser()._actions for option in action.option_strings}
    assert {spec.flag for spec in FIELD_TABLE if spec.in_cli} <= options
    assert "--data-hash" not in options  # set by --data, never typed
    args = parser().parse_args([])
    assert given_fields(args) == {} and config_from_args(args) == RegressionConfig()


def test_flags_parse_their_text_into_the_config() -> None:
    args = parser().parse_args(["--lr", "1e-3", "--n-samples", "2_000", "--shuffle", "--optimizer", "Adam"])
    assert given_fields(args) == {"learning_rate": 0.001, "n_samples": 2000, "shuffle": True, "optimizer": "adam"}
    config = config_from_args(args)
    assert (config.learning_rate, config.n_samples, config.shuffle, config.optimizer) == (0.001, 2000, True, "adam")


def test_batch_size_full_means_n_samples() -> None:
    assert config_from_args(parser().parse_args(["--batch-size", "full"])).batch_size == 1000
    assert config_from_args(parser().parse_args(["--n-samples", "64", "--batch-size", "full"])).batch_size == 64


def test_list_flags_take_comma_lists_and_a_bare_boolean_means_true() -> None:
    args = parser(as_lists=True).parse_args(["--lr", "0.1, 0.01", "--batch-size", "1,full", "--shuffle"])
    assert (args.learning_rate, args.batch_size, args.shuffle) == ([0.1, 0.01], [1, "full"], [True])
    assert parser(as_lists=True).parse_args(["--shuffle", "yes,no"]).shuffle == [True, False]


def test_errors_are_one_line_exit_2_and_name_the_flag(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exited:
        parser().parse_args(["--lr", "abc"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: test: argument --lr: 'abc' is not a number (see --help)")
    with pytest.raises(SystemExit):
        config_from_args(parser().parse_args(["--batch-size", "5000"]))
    assert capsys.readouterr().err.startswith("error: --batch-size=5000 is not allowed: must be a whole number in [1,")
    with pytest.raises(SystemExit):
        check_backend("jax")
    assert "--backend='jax' is not allowed: must be one of compiled, eager" in capsys.readouterr().err
    assert check_backend("eager") == "eager"


def test_config_error_line_names_the_flag_or_the_field() -> None:
    assert config_error_line(ConfigError("learning_rate", -1.0, "must be positive")) == (
        "--lr=-1.0 is not allowed: must be positive"
    )
    assert config_error_line(ConfigError("runs", 5000, "at most 1,000")) == "runs=5000 is not allowed: at most 1,000"
