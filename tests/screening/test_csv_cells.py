"""OWASP CSV injection: cells a spreadsheet would evaluate are written as text, and read back."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening import csv_cells


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-5", "'-5"),  # a page range or negative number is text too (DECISIONS.md)
        (-5, "'-5"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=already quoted", "''=already quoted"),
        ("Smith, J", "Smith, J"),
        ("a=b", "a=b"),
        (12, "12"),
        ("", ""),
    ],
)
def test_cells_that_start_a_formula_get_a_quote(value: object, written: str) -> None:
    buffer = io.StringIO(newline="")
    csv_cells.writer(buffer).writerow([value, "plain"])
    assert next(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == [written, "plain"]


def test_dict_writer_neutralises_header_and_values() -> None:
    buffer = io.StringIO(newline="")
    writer = csv_cells.dict_writer(buffer, ["=col", "b"])
    writer.writeheader()
    writer.writerows([{"=col": "@x", "b": None}])
    assert list(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == [
        ["'=col", "b"],
        ["'@x", ""],
    ]


@given(st.text())
def test_restore_gives_back_what_was_written(value: str) -> None:
    written = csv_cells.neutralise(value)
    assert isinstance(written, str)
    assert not written.startswith(csv_cells.FORMULA_STARTS)
    assert csv_cells.restore(written) == value
