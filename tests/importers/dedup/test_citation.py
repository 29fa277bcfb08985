"""Citation keys: pages and volumes as exports write them (hand-made cases)."""

from __future__ import annotations

import pytest

from importers.dedup.citation import first_page, last_page, page_starts, volume_key


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("xiii-xv", "rxiii"),
        ("v-vii", "rv"),
        ("13-15", "13"),
        ("S44-8", "44"),
        ("IV-138-IV-152", "138"),
        ("S4-76-S4-101", "76"),
        ("Iv138-53", "138"),
        ("II-221-5; discussion II-225-6", "221"),
    ],
)
def test_roman_preface_pages_are_kept_apart_from_arabic_ones(pages: str, expected: str) -> None:
    assert first_page(pages) == expected


@pytest.mark.parametrize(
    ("pages", "expected"),
    [("1408-17", "1417"), ("2297-2108", "2108"), ("S44-S48", "48"), ("945", ""), ("945-945", "")],
)
def test_last_page_of_a_printed_range(pages: str, expected: str) -> None:
    assert last_page(pages) == expected


@pytest.mark.parametrize(
    ("volume", "year", "journal", "expected"),
    [
        ("152 (5 Supplement 1)", 2017, "gastroenterology", "152"),
        ("Current Topics in Behavioral Neurosciences. 4", 2010, "", "4"),
        (": 1995). 25", 2004, "compendium of continuing education in dentistry", "25"),
        ("2010", 2010, "bmj clin evid", ""),
        ("Korsakova. 2014", 2014, "zhurnal nevrologii", ""),
        ("10S)", 2012, "transplantation", ""),
        ("75", 2000, "kidney int suppl", ""),
        ("57", 2000, "kidney int", "57"),
    ],
)
def test_volume_key_keeps_only_a_real_volume(
    volume: str, year: int, journal: str, expected: str
) -> None:
    assert volume_key(volume, year=year, journal=journal) == expected


def test_page_list_starts_ignore_the_order_of_the_parts() -> None:
    assert page_starts("233-238+230-235+246-251") == page_starts('"230-5, 246-51, 233-8"')
    assert page_starts("1408-17") == frozenset()
