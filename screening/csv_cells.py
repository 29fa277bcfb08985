"""CSV files a spreadsheet will open: cells that would run as formulas are neutralised.

OWASP's CSV-injection rule: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is read by Excel, LibreOffice and Sheets as a formula (``=HYPERLINK(...)``,
``@SUM(...)``, DDE payloads). Such a cell is written with a single quote in front, which the
spreadsheet shows as text and does not evaluate. Every cell is treated alike, numbers too: a
negative number or a page range like ``-5`` is written ``'-5`` (see DECISIONS.md). Every CSV
writer of Winnow writes through ``writer`` or ``dict_writer``; our own readers undo the quote
with ``restore``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """*value* as a spreadsheet shows it as text: a single quote before a formula start.

    Values that already start with quotes before a formula start get one more, so ``restore``
    gives back exactly what was written."""
    if value is None or isinstance(value, bool):
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else value


def restore(cell: str) -> str:
    """The value ``neutralise`` wrote as *cell* (for reading Winnow's own files back)."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


class _Writer:
    def __init__(self, file: Any, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


class _DictWriter:
    def __init__(self, file: Any, fieldnames: Sequence[str], **options: Any) -> None:
        self._writer = csv.DictWriter(file, fieldnames, **options)

    def writeheader(self) -> None:
        self._writer.writerow({name: neutralise(name) for name in self._writer.fieldnames})

    def writerow(self, row: Mapping[str, object]) -> None:
        self._writer.writerow({key: neutralise(value) for key, value in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file: Any, **options: Any) -> _Writer:
    """``csv.writer`` that neutralises every cell."""
    return _Writer(file, **options)


def dict_writer(file: Any, fieldnames: Sequence[str], **options: Any) -> _DictWriter:
    """``csv.DictWriter`` that neutralises every cell (the header too)."""
    return _DictWriter(file, fieldnames, **options)
