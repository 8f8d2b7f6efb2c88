"""Reads a user's CSV (or two pasted columns of numbers) into a data set, naming the row, column or limit of any fault.

Rows are counted as lines of the file, the header being row 1. Every fault is a CsvError with one message that
says what is wrong and what is allowed; nothing else escapes, whatever the bytes (a hypothesis test checks it).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from core.regression.dataset import Dataset

MAX_BYTES = 100 * 1024 * 1024
MAX_ROWS = 1_000_000
FLOAT32_MAX = float(np.finfo(np.float32).max)
SNIFF_BYTES = 8192
DELIMITERS = (",", ";", "\t")
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook is one): save the sheet as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel or Office file: save the sheet as CSV"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive: unpack it first"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


class CsvError(ValueError):
    """A file that cannot be read as two or more named columns of numbers; the message says why."""


@dataclass(frozen=True)
class Table:
    """A CSV's header and its cells by column (text, as in the file); rows[i] is the file row of cells[.][i]."""

    columns: tuple[str, ...]
    cells: tuple[list[str], ...]
    rows: list[int]
    has_header: bool

    def __len__(self) -> int:
        return len(self.rows)


def _megabytes(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


def check_size(size: int) -> None:
    """Raise CsvError if a file of size bytes is over MAX_BYTES."""
    if size > MAX_BYTES:
        raise CsvError(
            f"The file is {size:,} bytes ({_megabytes(size)}); "
            f"the limit is {MAX_BYTES:,} bytes ({_megabytes(MAX_BYTES)})."
        )


def decode(raw: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark is allowed); CsvError for empty, binary or other encodings."""
    check_size(len(raw))
    if not raw.strip():
        raise CsvError("The file is empty: it needs a header row and at least one row of numbers.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvError("The file is UTF-16 text; save it as UTF-8 (CSV UTF-8 in Excel) and upload it again.")
    for signature, what in SIGNATURES:
        if raw.startswith(signature):
            raise CsvError(f"This is a binary file ({what}), not CSV text.")
    if b"\x00" in raw:
        position = raw.index(b"\x00")
        row = raw.count(b"\n", 0, position) + 1
        raise CsvError(f"This is a binary file, not CSV text: byte {position:,} (row {row}) is a NUL byte.")
    head = raw[:SNIFF_BYTES]
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    if controls > len(head) // 20:
        raise CsvError(
            f"This is a binary file, not CSV text: {controls} of its first {len(head)} bytes are control codes."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = raw.count(b"\n", 0, error.start) + 1
        raise CsvError(
            f"The file is not UTF-8 text: byte 0x{raw[error.start]:02X} at position {error.start:,} (row {row}) is "
            "not UTF-8. Save it as UTF-8 (CSV UTF-8 in Excel) and upload it again."
        ) from None


def _delimiter(first_line: str) -> str | None:
    """The first line's delimiter among , ; and tab (the most frequent one), or None: split on whitespace."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(row, cells) for every non-blank row of the text."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = _delimiter(first_line)
    if delimiter is None:
        for row, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield row, line.split()
        return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, [cell.strip() for cell in cells]
    except csv.Error as error:
        raise CsvError(f"Row {reader.line_num + 1} cannot be read as CSV: {error}.") from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _header(row: int, cells: list[str]) -> tuple[tuple[str, ...], bool]:
    """The column names and whether the first row is a header (a row of numbers is data: columns 1, 2, …)."""
    if all(_is_number(cell) for cell in cells):
        return tuple(f"column {index}" for index in range(1, len(cells) + 1)), False
    for index, name in enumerate(cells, start=1):
        if not name:
            raise CsvError(f"Column {index} has no name in the header (row {row}); give every column a name.")
    seen: dict[str, int] = {}
    for index, name in enumerate(cells, start=1):
        if name in seen:
            raise CsvError(
                f"The header (row {row}) names column {name!r} twice (columns {seen[name]} and {index}); "
                "give each column its own name."
            )
        seen[name] = index
    return tuple(cells), True


def read_table(text: str) -> Table:
    """The header and cells of CSV text (or whitespace-separated columns); CsvError naming the row or limit."""
    records = _records(text)
    first = next(records, None)
    if first is None:
        raise CsvError("The file is empty: it needs a header row and at least one row of numbers.")
    columns, has_header = _header(*first)
    if len(columns) < 2:
        raise CsvError(
            f"The file has a single column ({columns[0]!r}); it needs at least two, one for x and one for y "
            "(separate them with commas, semicolons or tabs)."
        )
    cells: tuple[list[str], ...] = tuple([] for _ in columns)
    rows: list[int] = []
    for row, values in _with_first(first, has_header, records):
        if len(values) != len(columns):
            raise CsvError(
                f"Row {row} has {len(values)} cells, but the {'header has' if has_header else 'first row has'} "
                f"{len(columns)} columns."
            )
        if len(rows) == MAX_ROWS:
            raise CsvError(f"The file has more than {MAX_ROWS:,} data rows (row {row} is past the limit).")
        rows.append(row)
        for column, value in zip(cells, values):
            column.append(value)
    if not rows:
        raise CsvError("The file has a header but no data rows: it needs at least one row of numbers.")
    return Table(columns, cells, rows, has_header)


def _with_first(first: tuple[int, list[str]], has_header: bool, records: Iterator) -> Iterator:
    """The data records: the first row too when it is not a header."""
    if not has_header:
        yield first
    yield from records


def numbers(table: Table, column: str) -> np.ndarray:
    """A column as float32, or CsvError naming the first row whose cell is empty, not a number, NaN or inf."""
    if column not in table.columns:
        raise CsvError(f"There is no column {column!r}; the columns are {', '.join(map(repr, table.columns))}.")
    cells = table.cells[table.columns.index(column)]
    try:
        values = np.array(cells, dtype=np.float64)
    except ValueError:
        values = None
    if values is None or not np.isfinite(values).all() or (np.abs(values) > FLOAT32_MAX).any():
        for row, cell in zip(table.rows, cells):
            _check_cell(row, column, cell)
    return values.astype(np.float32)


def _check_cell(row: int, column: str, cell: str) -> None:
    where = f"Row {row}, column {column!r}"
    if not cell:
        raise CsvError(f"{where} is empty; every x and y must be a number.")
    try:
        value = float(cell)
    except ValueError:
        raise CsvError(f"{where}: {cell[:40]!r} is not a number.") from None
    if math.isnan(value):
        raise CsvError(f"{where} is NaN; every x and y must be a finite number.")
    if math.isinf(value) or abs(value) > FLOAT32_MAX:
        raise CsvError(f"{where}: {cell[:40]} is infinite or too large (at most {FLOAT32_MAX:.3g} in size).")


def dataset_from_table(table: Table, x_column: str, y_column: str, name: str = "") -> Dataset:
    """The data set of two columns of a table; CsvError for a bad cell, or x and y being the same column."""
    if x_column == y_column and x_column in table.columns:
        raise CsvError(f"x and y are both column {x_column!r}; pick two different columns.")
    return Dataset.of(numbers(table, x_column), numbers(table, y_column), x_column, y_column, name)


def read_csv_bytes(raw: bytes) -> Table:
    """A table from a file's bytes (decode, then read_table)."""
    return read_table(decode(raw))


def default_columns(table: Table) -> tuple[str, str]:
    """The columns to offer first: ones named x and y if there are, else the first two."""
    lower = [name.lower() for name in table.columns]
    if "x" in lower and "y" in lower:
        return table.columns[lower.index("x")], table.columns[lower.index("y")]
    return table.columns[0], table.columns[1]
