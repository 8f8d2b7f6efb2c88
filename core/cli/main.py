"""The headless command line: ``python -m core train|lr-find|bench|grad|runs|sweep``; TensorFlow loads when needed."""

from __future__ import annotations

import os
import sys

from core.cli import bench, grad, inspect, lr_find, runs, sweep, train
from core.cli.args import OneLineParser, config_error_line, fail
from core.regression.config import ConfigError


def build_parser() -> OneLineParser:
    """The whole command tree."""
    parser = OneLineParser(prog="python -m core", description="Tapestream's headless engine.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    for command in (train, lr_find, bench, grad, runs, sweep, inspect):
        command.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = build_parser().parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's start-up chatter would bury our one-line errors
    try:
        return args.handler(args)
    except ConfigError as error:
        fail(config_error_line(error))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
