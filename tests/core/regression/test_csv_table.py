"""core.regression.csv_table: each bad file names its row, column or limit; random input never crashes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.regression import csv_table
from core.regression.csv_table import (
    CsvError,
    dataset_from_table,
    decode,
    default_columns,
    read_csv_bytes,
    read_table,
)


def dataset(raw: bytes, x: str | None = None, y: str | None = None):
    table = read_csv_bytes(raw)
    default_x, default_y = default_columns(table)
    return dataset_from_table(table, x or default_x, y or default_y)


def message(raw: bytes, x: str | None = None, y: str | None = None) -> str:
    with pytest.raises(CsvError) as caught:
        dataset(raw, x, y)
    return str(caught.value)


def test_a_good_file_gives_float32_columns_by_name() -> None:
    data = dataset(b"id,height,weight\n1,1.5,60\n2,1.75,72.5\n", "height", "weight")
    assert data.x.dtype == np.float32 and data.x.tolist() == [1.5, 1.75]
    assert data.y.tolist() == [60.0, 72.5]
    assert (data.x_name, data.y_name) == ("height", "weight")


def test_columns_named_x_and_y_are_offered_first_else_the_first_two() -> None:
    assert default_columns(read_csv_bytes(b"a,Y,X\n1,2,3\n")) == ("X", "Y")
    assert default_columns(read_csv_bytes(b"a,b,c\n1,2,3\n")) == ("a", "b")


def test_pasted_numbers_and_other_delimiters() -> None:
    pasted = dataset(b"1 2\n3\t4\n\n5   6\n")
    assert pasted.x.tolist() == [1, 3, 5] and pasted.y.tolist() == [2, 4, 6]
    assert dataset(b"x;y\n1;2\n").y.tolist() == [2]
    assert dataset(b"x\ty\n1\t2\n").y.tolist() == [2]
    assert dataset("\ufeffx,y\r\n1,2\r\n".encode()).x.tolist() == [1]  # Excel's UTF-8 BOM and CRLF


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"x,y\n1,2\n3,abc\n", "Row 3, column 'y': 'abc' is not a number."),
        (b"x,y\n1,2\nnan,4\n", "Row 3, column 'x' is NaN"),
        (b"x,y\n1,inf\n", "Row 2, column 'y': inf is infinite or too large"),
        (b"x,y\n1,-Infinity\n", "Row 2, column 'y'"),
        (b"x,y\n1,1e39\n", "Row 2, column 'y': 1e39 is infinite or too large"),
        (b"x,y\n1,\n", "Row 2, column 'y' is empty"),
        (b"", "The file is empty"),
        (b"\n\n  \n", "The file is empty"),
        (b"x,y\n", "has a header but no data rows"),
        (b"x\n1\n2\n", "a single column ('x')"),
        (b"x,y,x\n1,2,3\n", "names column 'x' twice (columns 1 and 3)"),
        (b"x,,y\n1,2,3\n", "Column 2 has no name"),
        (b"x,y\n1,2\n3,4,5\n", "Row 3 has 3 cells, but the header has 2 columns"),
        (b"x,y\n1,2\n\xe9,3\n", "not UTF-8 text: byte 0xE9 at position 8 (row 3)"),
        ("x,y\n1,2\n".encode("utf-16"), "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file (a PNG image)"),
        (b"PK\x03\x04rest", "binary file (a zip archive"),
        (b"x,y\n1,2\x00\n", "binary file, not CSV text: byte 7 (row 2) is a NUL byte"),
        (bytes(range(1, 32)) * 10, "binary file, not CSV text"),
    ],
)
def test_every_bad_file_has_its_message(raw: bytes, expected: str) -> None:
    assert expected in message(raw)


def test_unknown_and_equal_columns_are_named() -> None:
    assert "There is no column 'z'; the columns are 'x', 'y'." in message(b"x,y\n1,2\n", "z", "y")
    assert "both column 'x'" in message(b"x,y\n1,2\n", "x", "x")


def test_a_text_column_the_user_does_not_pick_is_fine() -> None:
    assert dataset(b"name,x,y\nann,1,2\nbob,3,4\n", "x", "y").y.tolist() == [2, 4]


def test_the_size_limit_is_checked_before_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CsvError) as caught:
        csv_table.check_size(csv_table.MAX_BYTES + 1)
    assert str(caught.value) == ("The file is 104,857,601 bytes (100.0 MB); the limit is 104,857,600 bytes (100.0 MB).")
    monkeypatch.setattr(csv_table, "MAX_BYTES", 10)
    with pytest.raises(CsvError, match="limit is"):
        decode(b"x,y\n1,2\n3,4\n")


def test_the_row_limit_names_the_first_row_past_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_table, "MAX_ROWS", 3)
    assert len(read_table("x,y\n1,1\n2,2\n3,3\n")) == 3
    with pytest.raises(CsvError, match=r"more than 3 data rows \(row 5 is past the limit\)"):
        read_table("x,y\n1,1\n2,2\n3,3\n4,4\n")


def test_a_million_rows_are_allowed() -> None:
    assert csv_table.MAX_ROWS == 1_000_000 and csv_table.MAX_BYTES == 100 * 2**20


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_give_a_data_set_or_a_csv_error(raw: bytes) -> None:
    try:
        data = dataset(raw)
    except CsvError as error:
        assert str(error)
    else:
        assert len(data.x) == len(data.y) > 0 and np.isfinite(data.x).all() and np.isfinite(data.y).all()


cell = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**40), 10**40).map(str),
    st.text(alphabet=" ,;\t\"'\r\nabcxyeE.+-0123456789é", max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(cell, min_size=1, max_size=4), min_size=1, max_size=8), st.sampled_from([",", ";", "\t", " "]))
def test_random_csvs_give_a_data_set_or_a_csv_error(rows: list[list[str]], delimiter: str) -> None:
    raw = "\n".join(delimiter.join(row) for row in rows).encode()
    try:
        data = dataset(raw)
    except CsvError as error:
        assert str(error)
    else:
        assert len(data.x) == len(data.y) > 0 and np.isfinite(data.x).all()
