"""The speed-ups' shortcuts (bare years, plain page numbers, long ASCII text, one separator)
give the same answers as the general paths they skip."""

from __future__ import annotations

import pytest

from importers.normalize import clean_text, extract_year, format_pages, split_keywords

LONG = "word " * 30  # over the length where clean_text checks printable ASCII bytewise


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        (("1234", "2001"), 2001),  # a bare 4-digit non-year is skipped, not taken
        (("2100",), 2100),
        (("1499", "c. 1500"), 1500),
        (("\uff12\uff10\uff11\uff17",), None),  # full-width digits are not a year
    ],
)
def test_bare_year_shortcut_matches_the_regex(
    candidates: tuple[str, ...], expected: int | None
) -> None:
    assert extract_year(*candidates) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [("454", "81", "454-481"), ("12", "12", "12"), ("7", "", "7"), ("12", "1a", "12-1a")],
)
def test_plain_page_numbers_shortcut(start: str, end: str, expected: str) -> None:
    assert format_pages(start, end) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (LONG + "a\tb", LONG + "a b"),
        (LONG + "a \t\x0b b  c ", LONG + "a b c"),
        (LONG + "caf\u00e9\u00a0\u2009au lait", LONG + "caf\u00e9 au lait"),
        ("\t" + LONG + "x", LONG + "x"),
    ],
)
def test_long_text_whitespace_is_collapsed_like_short_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected.strip()
    short = raw.replace(LONG, "w ")
    assert clean_text(short) == expected.replace(LONG, "w ").strip()


def test_single_and_several_separators_split_alike() -> None:
    values = ["a; b;;c", " b ;d", "a"]
    assert split_keywords(values) == ("a", "b", "c", "d")
    assert split_keywords(values, separators=";,") == ("a", "b", "c", "d")
    assert split_keywords(["x, y;z"], separators=",;") == ("x", "y", "z")
    assert split_keywords(["x, y"], separators="") == ("x, y",)
