"""Argument parsing for the CLI: config flags built from the field table, and one-line errors with exit code 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from core.regression.config import ConfigError, RegressionConfig
from core.regression.fields import BACKEND_NAMES, CLI_FIELDS, FLAGS
from core.regression.value_text import ValueTextError, parse_list, parse_value, resolve_full


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are a single line on stderr and exit code 2, never a traceback."""

    def error(self, message: str) -> NoReturn:
        fail(f"{self.prog}: {message} (see --help)")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one line to stderr and exit with code (2, bad arguments, unless told otherwise)."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)


def argument_type(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """parse as an argparse type: a ValueTextError becomes argparse's one-line "argument --flag: ..." error."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueTextError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def strict_list(field: str, text: str) -> list[Any]:
    """A comma list of field's values where every item is given: "1,,2" and "1,2," are refused."""
    if any(not part.strip() for part in text.split(",")):
        raise ValueTextError(f"{text!r} has an empty item: put a value between every two commas")
    return parse_list(field, text)


def add_config_flags(parser: argparse.ArgumentParser, as_lists: bool = False) -> None:
    """A flag for every row of the field table (a comma list each with as_lists); unset flags keep defaults."""
    for spec in CLI_FIELDS:
        if spec.kind is bool and not as_lists:
            parser.add_argument(spec.flag, dest=spec.name, action="store_true", default=None, help=spec.help)
            continue
        if as_lists:
            kind = argument_type(lambda text, name=spec.name: strict_list(name, text))
            nargs = {"nargs": "?", "const": [True]} if spec.kind is bool else {}
            help_text = f"comma list, default {spec.default}" + ("; alone means true" if spec.kind is bool else "")
        else:
            kind = argument_type(lambda text, name=spec.name: parse_value(name, text))
            nargs, help_text = {}, f"{spec.help}; default {spec.default}"
        parser.add_argument(spec.flag, dest=spec.name, type=kind, default=None, help=help_text, **nargs)


def given_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The config fields set on the command line, by field name."""
    return {name: getattr(args, name) for name in FLAGS if getattr(args, name, None) is not None}


def config_from_args(args: argparse.Namespace) -> RegressionConfig:
    """Build the config from the parsed flags ("--batch-size full" = --n-samples), or exit 2 with one line."""
    try:
        return RegressionConfig(**resolve_full(given_fields(args), RegressionConfig.n_samples))
    except ConfigError as error:
        fail(config_error_line(error))


def check_backend(name: str) -> str:
    """The backend name, or exit 2 naming the allowed ones."""
    if name not in BACKEND_NAMES:
        fail(f"--backend={name!r} is not allowed: must be one of {', '.join(BACKEND_NAMES)}")
    return name


def config_error_line(error: ConfigError) -> str:
    """A ConfigError restated in terms of the CLI flag."""
    flag = FLAGS.get(error.field, error.field)
    return f"{flag}={error.value!r} is not allowed: {error.allowed}"
