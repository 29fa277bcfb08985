"""The PRISMA2020 package's CSV template, filled from counts, and read back (both quoting styles).

Writes the template's own shape: same rows and columns, minimal quoting, CRLF, no final newline.
The template is the package's own PRISMA.csv, shipped beside this module as ``template.csv``
(MIT; provenance and licence in ``template.csv.license``).
"""

from __future__ import annotations

import csv
import io
import re
from importlib import resources

from screening import csv_cells
from screening.prisma.model import PRISMA_DATA_KEYS, REASON_KEYS, NamedCount, PrismaCounts, Reasons


def _read_template() -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """The shipped template's header and rows, cells exactly as the file has them."""
    data = resources.files("screening.prisma").joinpath("template.csv").read_bytes()
    header, *rows = (
        tuple(row) for row in csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    )
    return header, tuple(rows)


TEMPLATE_HEADER, TEMPLATE_ROWS = _read_template()
_DATA, _N = 0, 7
# The package hides the other-methods column only when its counts are blank (NA), not 0.
_BLANK_WHEN_ABSENT = frozenset(
    {
        "website_results",
        "organisation_results",
        "citations_results",
        "other_sought_reports",
        "other_notretrieved_reports",
        "other_assessed",
        "other_excluded",
    }
)
_LIST_SEPARATOR = re.compile(r";\s?")
# Commas and semicolons delimit the "Label, n; Label, n" cells, so labels cannot hold them.
_DELIMITERS = re.compile(r"\s*[,;]\s*")
_NOT_DIGIT = re.compile(r"[^0-9]")
_BARE_TOTAL = re.compile(r"^[0-9,\s]+$")


class PrismaCsvError(ValueError):
    """The text is not a PRISMA2020 data template (wrong header or columns)."""


def fill_prisma_csv(counts: PrismaCounts, template: str | None = None) -> str:
    """The PRISMA2020 template with its ``n`` column filled from *counts*.

    *template* is the text of a (possibly translated) PRISMA.csv; by default the package's own,
    ``template.csv``. ``None`` counts keep the template's default cell, except the
    other-methods rows, which are left blank so that the package hides that column.
    """
    header, rows = _template_rows(template)
    return _write(header, [_fill_row(row, counts) for row in rows])


def read_prisma_csv(text: str) -> PrismaCounts:
    """Counts from a filled PRISMA2020 CSV (template file or the app's ``write.csv`` export).

    Follows the app's reading: blank or ``NA`` is ``None``; placeholder lists are ``None``;
    ``previous_*`` (and ``total_*_ma``) both ``0`` mean the option is off, so ``None``.
    """
    _, rows = _parse(text)
    cells = {row[_DATA]: row[_N] for row in rows if row[_DATA] in PRISMA_DATA_KEYS}
    placeholders = {row[_DATA]: row[_N] for row in TEMPLATE_ROWS if row[_DATA] in REASON_KEYS}
    values: dict[str, int | Reasons | None] = {}
    for key, cell in cells.items():
        if key in REASON_KEYS:
            values[key] = None if cell == placeholders[key] else parse_named_counts(cell)
        else:
            values[key] = _parse_int(cell)
    for pair in (
        ("previous_studies", "previous_reports"),
        ("total_studies_ma", "total_reports_ma"),
    ):
        if all(values.get(key) in (0, None) for key in pair):
            values.update(dict.fromkeys(pair))
    if values.get("previous_studies") is None:
        values.update(dict.fromkeys(("total_studies", "total_reports")))
    return PrismaCounts(**values)  # type: ignore[arg-type]


def format_named_counts(items: Reasons) -> str:
    """``Label, n; Label, n`` as the package reads it; an empty list is the bare total ``0``."""
    if not items:
        return "0"
    return "; ".join(f"{_csv_label(item.label)}, {item.n}" for item in items)


def parse_named_counts(cell: str) -> Reasons | None:
    """The package's reading of a reasons cell: split on ``;``, label before the first comma."""
    cell = cell.strip()
    if cell in ("", "NA"):
        return None
    if _BARE_TOTAL.match(cell):
        total = int(_NOT_DIGIT.sub("", cell))
        return () if total == 0 else (NamedCount("", total),)
    items = []
    for part in _LIST_SEPARATOR.split(cell):
        label, _, number = part.partition(",")
        digits = _NOT_DIGIT.sub("", number)
        if label.strip() or digits:
            items.append(NamedCount(label.strip(), int(digits) if digits else 0))
    return tuple(items)


def _csv_label(label: str) -> str:
    return _DELIMITERS.sub(" / ", " ".join(label.split()))


def _fill_row(row: tuple[str, ...], counts: PrismaCounts) -> tuple[str, ...]:
    key = row[_DATA]
    if key not in PRISMA_DATA_KEYS:
        return row
    value = counts.value(key)
    if value is None:
        cell = "" if key in _BLANK_WHEN_ABSENT else row[_N]
    elif isinstance(value, tuple):
        cell = format_named_counts(value)
    else:
        cell = str(value)
    return (*row[:_N], cell, *row[_N + 1 :])


def _write(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv_cells.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().removesuffix("\r\n")


def _parse_int(cell: str) -> int | None:
    digits = _NOT_DIGIT.sub("", cell)
    return int(digits) if digits else None


def _template_rows(template: str | None) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    if template is None:
        return TEMPLATE_HEADER, list(TEMPLATE_ROWS)
    return _parse(template)


def _parse(text: str) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    parsed = [tuple(map(csv_cells.restore, row)) for row in reader]
    if not parsed or parsed[0] != TEMPLATE_HEADER:
        found = ",".join(parsed[0]) if parsed else "nothing"
        raise PrismaCsvError(f"expected the header {','.join(TEMPLATE_HEADER)!r}, found {found!r}")
    rows = [row for row in parsed[1:] if row]
    for number, row in enumerate(rows, start=2):
        if len(row) != len(TEMPLATE_HEADER):
            raise PrismaCsvError(
                f"row {number} has {len(row)} cells, expected {len(TEMPLATE_HEADER)}"
            )
    return parsed[0], rows
