"""core.cli.main: the command tree, and ConfigErrors and interrupts turned into exit codes."""

from __future__ import annotations

import argparse

import pytest

import core.cli.train
from core.cli.main import build_parser, main
from core.regression.config import ConfigError


def test_every_command_is_in_the_tree_and_one_is_required(capsys: pytest.CaptureFixture) -> None:
    parser = build_parser()
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    assert sorted(commands.choices) == ["bench", "grad", "inspect", "lr-find", "runs", "sweep", "train"]
    with pytest.raises(SystemExit) as exited:
        parser.parse_args([])
    assert exited.value.code == 2 and capsys.readouterr().err.startswith("error: python -m core: ")


def test_a_config_error_from_a_command_is_one_line_naming_the_flag(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def refuse(args: argparse.Namespace) -> int:
        raise ConfigError("batch_size", 5000, "must be at most n_samples")

    monkeypatch.setattr(core.cli.train, "cmd_train", refuse)
    with pytest.raises(SystemExit) as exited:
        main(["train"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == "error: --batch-size=5000 is not allowed: must be at most n_samples\n"


def test_an_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    def interrupted(args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(core.cli.train, "cmd_train", interrupted)
    assert main(["train"]) == 130 and capsys.readouterr().err == "interrupted\n"
