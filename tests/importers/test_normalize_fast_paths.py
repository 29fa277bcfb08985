"""The speed-ups' shortcuts (bare years, plain page numbers, long ASCII text, one separator)
give the same answers as the general paths they skip."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from importers.normalize import (
    clean_text,
    extract_year,
    format_pages,
    has_plain_spacing,
    normalize_author,
    split_keywords,
    tidy_author,
)

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


# One line of an export: letters, spaces, the characters clean_text acts on, and whitespace it
# rewrites (tab, no-break space, thin space). Values never hold a line break: they are lines.
_EXPORT_TEXT = st.text(alphabet=st.sampled_from("ab é;,. <>&#x3b  \t\u00a0\u2009"), max_size=40)


@given(st.lists(_EXPORT_TEXT, max_size=6))
def test_plain_spacing_shortcuts_match_the_general_paths(raw_values: list[str]) -> None:
    # The RIS reader strips values and skips empty lines; the shortcuts rely on that.
    values = [value.strip() for value in raw_values]
    source = "\n".join(values)
    assume(has_plain_spacing(source))
    assert split_keywords(values, plain=True) == split_keywords(values)
    for value in values:
        if not ("<" in value or "&" in value or "  " in value):
            assert clean_text(value) == value
            assert tidy_author(value) == normalize_author(value)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("TI  - Title\nAU  - Smith, J", True),
        ("TI  - Caf\u00e9 au lait\nAU  - Ma\u00eetre, J", True),
        ("TI  - a\tb", False),
        ("TI  - caf\u00e9\u00a0noir", False),
        ("TI  - thin\u2009space", False),
        ("AB  - P < 0.05 & more", True),  # "<" and "&" are checked per value, not here
    ],
)
def test_plain_spacing_means_spaces_and_line_breaks_only(text: str, plain: bool) -> None:
    assert has_plain_spacing(text) is plain


# Any whitespace Python knows (ASCII, no-break, thin, ideographic, line separators), control
# and format characters that are not whitespace, and text long enough for the bytewise check.
_SPACED_TEXT = st.text(
    alphabet=st.sampled_from("ab é\u4e2d \t\n\r\x0b\x1f\x85\u00a0\u2009\u2028\u3000\x00\u200b\xad"),
    max_size=150,
)


@given(_SPACED_TEXT)
def test_clean_text_turns_every_whitespace_run_into_one_space(text: str) -> None:
    # The definition the shortcuts must keep: "\s+" runs become one space, ends are stripped,
    # other characters (zero-width space, soft hyphen, NUL) stay.
    assert clean_text(text) == re.sub(r"\s+", " ", text).strip()
