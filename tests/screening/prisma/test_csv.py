"""The PRISMA2020 CSV template: filled byte for byte like the worked example, and read back."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest

from screening.prisma.counts import compute_prisma
from screening.prisma.csv import (
    PrismaCsvError,
    fill_prisma_csv,
    format_named_counts,
    parse_named_counts,
    read_prisma_csv,
)
from screening.prisma.model import NamedCount, PrismaCounts
from tests.screening.prisma.test_counts import worked_example_input

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "prisma"
TEMPLATE_SHA256 = "1aa04581d117bc134ed1a59dbbc4d094ff97fb6bfe7c86bef282a4dad365f038"


def _fixture(name: str) -> str:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _package_fields(counts: PrismaCounts) -> PrismaCounts:
    return counts.package_fields()


def _new_review_counts() -> PrismaCounts:
    flow = replace(
        worked_example_input(),
        sources=worked_example_input().sources[:5],
        other_methods=None,
        previous=None,
        meta_analysis=None,
    )
    flow = replace(flow, included=replace(flow.included, reports=25, studies=20))
    report = compute_prisma(flow)
    assert report.violations == ()
    return report.counts


def test_shipped_template_is_the_package_file_byte_for_byte() -> None:
    text = resources.files("screening.prisma").joinpath("template.csv").read_bytes().decode("utf-8")
    assert text == _fixture("PRISMA.csv")
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == TEMPLATE_SHA256


def test_worked_example_fills_exactly_like_example_filled_csv() -> None:
    counts = compute_prisma(worked_example_input()).counts
    assert fill_prisma_csv(counts) == _fixture("example_filled.csv")


def test_filled_csv_keeps_the_templates_rows_and_columns() -> None:
    template = _rows(_fixture("PRISMA.csv"))
    filled = _rows(fill_prisma_csv(_new_review_counts()))
    assert len(filled) == len(template) == 35
    assert [row[:7] for row in filled] == [row[:7] for row in template]
    assert fill_prisma_csv(_new_review_counts()).count("\r\n") == 34


def test_reading_the_worked_example_gives_its_counts() -> None:
    expected = _package_fields(compute_prisma(worked_example_input()).counts)
    assert read_prisma_csv(_fixture("example_filled.csv")) == expected


def test_new_review_round_trips_and_hides_the_other_column() -> None:
    counts = _new_review_counts()
    text = fill_prisma_csv(counts)
    cells = {row[0]: row[7] for row in _rows(text)}
    assert cells["website_results"] == ""
    assert cells["other_excluded"] == ""
    assert cells["previous_studies"] == "0"
    assert cells["total_studies_ma"] == "0"
    assert read_prisma_csv(text) == _package_fields(counts)


def test_reads_the_apps_write_csv_export_all_quoted_with_lf_and_na() -> None:
    counts = _new_review_counts()
    rows = _rows(fill_prisma_csv(counts))
    rows = [[cell if cell else "NA" for cell in row] for row in rows]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    assert read_prisma_csv(buffer.getvalue()) == _package_fields(counts)


def test_custom_template_keeps_its_translated_box_texts() -> None:
    translated = _fixture("PRISMA.csv").replace(",Records screened,", ",Registros triados,")
    filled = fill_prisma_csv(compute_prisma(worked_example_input()).counts, translated)
    row = next(r for r in _rows(filled) if r[0] == "records_screened")
    assert row[4] == "Registros triados"
    assert row[7] == "1850"


def test_labels_with_delimiters_are_escaped_so_the_package_reads_one_reason() -> None:
    cell = format_named_counts((NamedCount("Wrong population, adults; elderly", 7),))
    assert cell == "Wrong population / adults / elderly, 7"
    assert parse_named_counts(cell) == (NamedCount("Wrong population / adults / elderly", 7),)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("0", ()),
        ("1,234", (NamedCount("", 1234),)),
        ("", None),
        ("NA", None),
        ("Reason A, 1,200; Reason B,3", (NamedCount("Reason A", 1200), NamedCount("Reason B", 3))),
    ],
)
def test_reason_cells_are_read_like_the_package(
    cell: str, expected: tuple[NamedCount, ...] | None
) -> None:
    assert parse_named_counts(cell) == expected


def test_no_exclusions_are_written_as_a_bare_zero() -> None:
    counts = replace(_new_review_counts(), dbr_excluded=())
    cells = {row[0]: row[7] for row in _rows(fill_prisma_csv(counts))}
    assert cells["dbr_excluded"] == "0"


def test_placeholders_and_zero_options_read_as_absent() -> None:
    counts = read_prisma_csv(_fixture("PRISMA.csv"))
    assert counts.database_specific_results is None
    assert counts.dbr_excluded is None
    assert counts.previous_studies is None
    assert counts.total_studies is None
    assert counts.total_studies_ma is None
    assert counts.records_screened == 0


@pytest.mark.parametrize(
    "text",
    ["", "a,b,c\r\n1,2,3", _fixture("PRISMA.csv").replace(",prevstud.html,0", ",prevstud.html")],
)
def test_text_that_is_not_the_template_is_refused(text: str) -> None:
    with pytest.raises(PrismaCsvError):
        read_prisma_csv(text)


def test_reason_labels_that_start_a_formula_are_text_and_read_back() -> None:
    counts = replace(_new_review_counts(), dbr_excluded=(NamedCount("=1+1 wrong design", 2),))
    text = fill_prisma_csv(counts)
    cell = next(row[7] for row in _rows(text) if row[0] == "dbr_excluded")
    assert cell == "'=1+1 wrong design, 2"
    assert read_prisma_csv(text).dbr_excluded == (NamedCount("=1+1 wrong design", 2),)
