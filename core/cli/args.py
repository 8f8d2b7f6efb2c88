"""Argument parsing helpers for the CLI: one-line errors that name the flag and what it allows, exit code 2."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import NoReturn

from core.regression.config import ConfigError

# CLI flag for each RegressionConfig field.
FIELD_FLAGS: dict[str, str] = {
    "w_target": "--w-target",
    "b_target": "--b-target",
    "n_samples": "--n-samples",
    "noise_std": "--noise-std",
    "seed": "--seed",
    "epochs": "--epochs",
    "learning_rate": "--lr",
    "batch_size": "--batch-size",
    "shuffle": "--shuffle",
    "optimizer": "--optimizer",
    "loss": "--loss",
    "w_init": "--w-init",
    "b_init": "--b-init",
}


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are a single line on stderr and exit code 2, never a traceback."""

    def error(self, message: str) -> NoReturn:
        fail(f"{self.prog}: {message} (see --help)")


def fail(message: str) -> NoReturn:
    """Print one line to stderr and exit with code 2."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def number(text: str) -> float:
    """A finite float from text."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def whole(text: str) -> int:
    """An int from text such as 1000, 1e6 or 1_000_000."""
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not math.isfinite(value) or not value.is_integer():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(value)


def listing(item: Callable[[str], object]) -> Callable[[str], list]:
    """A comma-separated list of items, e.g. 0.001,0.01,0.1."""

    def parse(text: str) -> list:
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if not parts:
            raise argparse.ArgumentTypeError("expected a comma-separated list of values")
        return [item(part) for part in parts]

    return parse


def config_error_line(error: ConfigError) -> str:
    """A ConfigError restated in terms of the CLI flag."""
    flag = FIELD_FLAGS.get(error.field, error.field)
    return f"{flag}={error.value!r} is not allowed: {error.allowed}"
