"""The CLI's --data FILE, --x-col and --y-col flags: a user's CSV read into the run's data set, or one-line errors."""

from __future__ import annotations

import argparse
import os
from typing import Any

from core.cli.args import config_error_line, fail, given_fields
from core.regression.config import ConfigError, RegressionConfig
from core.regression.csv_table import CsvError, check_size, dataset_from_table, default_columns, read_csv_bytes
from core.regression.dataset import Dataset
from core.regression.fields import UPLOADED
from core.regression.value_text import resolve_full


def add_data_flags(parser: argparse.ArgumentParser) -> None:
    """--data, --x-col and --y-col."""
    parser.add_argument("--data", metavar="FILE.csv", help="train on your own CSV (UTF-8, a header row, numbers)")
    parser.add_argument("--x-col", metavar="NAME", help="the column of x (default: a column named x, else the first)")
    parser.add_argument("--y-col", metavar="NAME", help="the column of y (default: a column named y, else the second)")


def read_data_file(path: str, x_col: str | None, y_col: str | None) -> Dataset:
    """The data set in a CSV file, or exit 2 with one line naming the file and the row, column or limit."""
    try:
        check_size(os.stat(path).st_size)
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        fail(f"--data={path!r} cannot be read: {error.strerror or error}")
    except CsvError as error:
        fail(f"--data={path!r}: {error}")
    try:
        table = read_csv_bytes(raw)
        default_x, default_y = default_columns(table)
        return dataset_from_table(table, x_col or default_x, y_col or default_y, os.path.basename(path))
    except CsvError as error:
        fail(f"--data={path!r}: {error}")


def config_and_data(args: argparse.Namespace) -> tuple[RegressionConfig, dict[str, Any]]:
    """The run's config and data sets (by hash): with --data, the file's rows set data_source, data_hash, n_samples."""
    if args.data is None:
        for flag, value in (("--x-col", args.x_col), ("--y-col", args.y_col)):
            if value is not None:
                fail(f"{flag} needs --data FILE.csv (it names a column of that file)")
        fields, datasets = given_fields(args), {}
        if fields.get("data_source") == UPLOADED:
            fail(f"--data-source {UPLOADED} needs --data FILE.csv (the file is the data)")
    else:
        dataset = read_data_file(args.data, args.x_col, args.y_col)
        fields = given_fields(args)
        for name, flag in (("data_source", "--data-source"), ("n_samples", "--n-samples")):
            wanted = {"data_source": UPLOADED, "n_samples": len(dataset)}[name]
            if name in fields and fields[name] != wanted:
                fail(f"{flag}={fields[name]!r} clashes with --data={args.data!r}: the file gives {name}={wanted!r}")
        fields.update(data_source=UPLOADED, data_hash=dataset.hash, n_samples=len(dataset))
        datasets = {dataset.hash: dataset}
    try:
        return RegressionConfig(**resolve_full(fields, RegressionConfig.n_samples)), datasets
    except ConfigError as error:
        fail(config_error_line(error))
