"""Citation keys: pages, volumes and issues as exports write them, junk read as missing."""

from __future__ import annotations

import pytest

from importers.dedup.citation import (
    NO_PAGES,
    expand_page_range,
    first_page,
    issue_key,
    last_page,
    page_evidence,
    page_starts,
    plausible_pages,
    volume_key,
)


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("123-9", "123"),
        ("123-129", "123"),
        ("S70-S85", "70"),
        ("70S-85S", "70"),
        ("H721-5", "721"),
        ("e026437", "26437"),
        ("xiii-xv", "rxiii"),
        ("v-vii", "rv"),
        ("S4-76-S4-101", "76"),
        ("IV-138-IV-152", "138"),
        ("II-221-5; discussion II-225-6", "221"),
    ],
)
def test_first_page_key(pages: str, expected: str) -> None:
    assert first_page(pages) == expected


@pytest.mark.parametrize(
    ("pages", "expected"),
    [("1408-17", "1417"), ("2297-2108", "2108"), ("S44-S48", "48"), ("945", ""), ("945-945", "")],
)
def test_last_page_of_a_printed_range(pages: str, expected: str) -> None:
    assert last_page(pages) == expected


def test_short_page_ranges_are_completed() -> None:
    assert expand_page_range("123-9") == ("123", "129")
    assert expand_page_range("45") == ("45", "45")


@pytest.mark.parametrize(
    "pages",
    [
        "",
        "UNKNOWN",
        "var.pagings",
        "no pagination",
        "Jun",
        "Nov.",
        "Mar-62",
        "01-Sep",
        "2010-2Oct",
        "15 June",
        "2016",
        "2015",
    ],
)
def test_values_that_are_not_pages_are_missing(pages: str) -> None:
    assert not plausible_pages(pages, 2016)
    assert page_evidence(pages, 2016) == NO_PAGES


@pytest.mark.parametrize("pages", ["2016", "1998-2004", "12", "xiv", "e1002", "S12"])
def test_page_numbers_stay_pages(pages: str) -> None:
    # 2016 is a page in a volume of another year; a range of years' length is a page range.
    assert plausible_pages(pages, 1990)


def test_a_single_plain_page_is_told_from_an_article_number() -> None:
    assert page_evidence("507", 2016).single
    assert page_evidence("507-507", 2016).single
    assert not page_evidence("e507", 2016).single
    assert not page_evidence("507-512", 2016).single


def test_a_lone_small_number_is_weak_evidence() -> None:
    assert page_evidence("15", 2016).weak
    assert not page_evidence("150", 2016).weak
    assert not page_evidence("15-19", 2016).weak
    assert not page_evidence("S15", 2016).weak


def test_page_list_starts_ignore_the_order_of_the_parts() -> None:
    assert page_starts("12-18+40-45+3-9") == page_starts('"3-9, 12-8, 40-5"')
    assert page_starts("1408-17") == frozenset()


@pytest.mark.parametrize(
    ("volume", "year", "journal", "expected"),
    [
        ("152 (5 Supplement 1)", 2017, "gastric studies", "152"),
        ("Annual Topics in Sleep Medicine. 4", 2010, "", "4"),
        (": 1995). 25", 2004, "quarterly of dental hygiene", "25"),
        ("2010", 2010, "evidence notes", ""),
        ("2009", 2010, "evidence notes", ""),
        ("Abramova. 2014", 2014, "vestnik of neurology", ""),
        ("10S)", 2012, "graft studies", ""),
        ("75", 2000, "renal studies suppl", ""),
        ("57", 2000, "renal studies", "57"),
        ("Aug", 2000, "renal studies", ""),
        ("123456", 2000, "renal studies", ""),
    ],
)
def test_volume_key_keeps_only_a_real_volume(
    volume: str, year: int, journal: str, expected: str
) -> None:
    assert volume_key(volume, year=year, journal=journal) == expected


@pytest.mark.parametrize(
    ("issue", "expected"),
    [
        ("7", "7"),
        ("7-8", "7"),
        ("Suppl 2", "s2"),
        ("S1", "s1"),
        ("01-Feb", ""),
        ("AUG.", ""),
        ("2016", ""),
        ("Pt B", ""),
        ("", ""),
    ],
)
def test_issue_key_reads_months_and_years_as_missing(issue: str, expected: str) -> None:
    assert issue_key(issue, year=2016) == expected
