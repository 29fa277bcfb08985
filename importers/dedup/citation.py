"""Citation fields as matching keys: pages, volume and issue, with junk read as missing.

A value that cannot be what its field holds (a month name in the pages, the year in the volume,
``var.pagings``, a spreadsheet's date made of a page range) is missing evidence, never evidence
that two records differ. Pure string functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RANGE_DASH = re.compile(r"\s*[-\u2013\u2014]+\s*")
_PAGE_NUMBER = re.compile(r"[a-z]?\d+[a-z]?")
_LETTERS = re.compile(r"[a-z]+")
_NUMBERS = re.compile(r"\d+")
# Preface pages: "xiii", "v-vii" (only numerals, no arabic page after them).
_ROMAN_PAGES = re.compile(r"[ivxlcdm]+(?:\s*[-\u2013\u2014]+\s*[ivxlcdm]+)?")
_MONTH_NAMES = (
    "jan january feb february mar march apr april may jun june jul july aug august sep sept "
    "september oct october nov november dec december"
)
_MONTHS = frozenset(_MONTH_NAMES.split())
# A section label repeated before both pages: "S4-76-S4-101", "IV-138-IV-152".
_SECTION_PAGES = re.compile(r"([a-z]+\d*)\s*-\s*(\d+)\s*-\s*\1\s*-\s*\d+")
_PLACEHOLDERS = frozenset({"unknown", "n/a", "na", "none", "null"})
# "(5 Supplement)" cut to "2)" or "10S)": the tail of a supplement note, not a volume.
_CUT_TAIL = re.compile(r"[^(]*\)")
# A supplement series ("Renal Studies Suppl") numbers its supplements in the volume field.
_SUPPLEMENT_SERIES = re.compile(r"\bsuppl(?:ement)?\b")
_SUPPLEMENT_ISSUE = re.compile(r"suppl|^s\d*$")
_PAGE_LIST = re.compile(r"\s*[+,;]\s*")
# The largest day of a month: a lone number up to this may be a date's day in the pages field.
_LAST_DAY = 31
# Volumes and issues are short numbers; a longer one is an identifier or a date.
_MAX_NUMBER_DIGITS = 5


@dataclass(frozen=True, slots=True)
class Pages:
    """The page evidence of one record; every part is empty when the field holds none."""

    first: str
    # Last page of a printed range; empty for a single page.
    last: str
    # First pages of every part when the field lists several ranges; empty otherwise.
    starts: frozenset[str]
    # A single page written as a plain number ("507", "507-507"), not an article number.
    single: bool
    # A lone number that may be a day of the month: it can agree, never disagree.
    weak: bool


NO_PAGES = Pages("", "", frozenset(), single=False, weak=False)


def _has_month(text: str) -> bool:
    return any(word in _MONTHS for word in _LETTERS.findall(text))


def _is_year(number: str, year: int | None) -> bool:
    """A four-digit number within a year of the record's own year."""
    return year is not None and len(number) == 4 and abs(int(number) - year) <= 1


def plausible_pages(pages: str, year: int | None) -> bool:
    """Whether the pages field holds pages.

    Not pages: placeholders, text without a digit (``var.pagings``, ``no pagination``) unless it
    is roman numerals, a month name (a date, or a range a spreadsheet turned into one:
    ``Mar-62``, ``01-Sep``, ``2010-2Oct``), and the record's own year (``2010``).
    """
    text = pages.strip().lower()
    if not text or text in _PLACEHOLDERS or _has_month(text):
        return False
    numbers = _NUMBERS.findall(text)
    if not numbers:
        return bool(_ROMAN_PAGES.fullmatch(text))
    return not all(_is_year(number, year) for number in numbers)


def _page_number(part: str) -> str:
    """``S70``, ``70S`` and ``d767`` give the number."""
    match = _PAGE_NUMBER.search(part)
    if not match:
        return ""
    return str(int("".join(c for c in match.group(0) if c.isdigit())))


def first_page(pages: str) -> str:
    """First page as a key: ``123-9`` gives ``123``, ``S70-S85`` gives ``70``."""
    text = pages.strip().lower()
    head = _RANGE_DASH.split(text, maxsplit=1)[0]
    if _ROMAN_PAGES.fullmatch(text):
        return "r" + head  # page "xiii" of a preface is not page 13
    section = _SECTION_PAGES.fullmatch(text)
    if section:
        return str(int(section.group(2)))  # "S4-76-S4-101": page 76 of supplement section S4
    # "IV-138-IV-152": a section numeral before the page; the page number decides.
    return _page_number(head) or _page_number(text)


def last_page(pages: str) -> str:
    """Last page of a printed range (``1408-17`` gives ``1417``); empty for a single page."""
    parts = _RANGE_DASH.split(pages.strip().lower(), maxsplit=1)
    if len(parts) < 2:
        return ""
    first, last = _page_number(parts[0]), _page_number(parts[1])
    if not first.isdigit() or not last.isdigit():
        return ""
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return "" if last == first else last


def page_starts(pages: str) -> frozenset[str]:
    """First pages of every part of a page list (``12-8, 40-5, 3-9``); empty for one part."""
    parts = [part for part in _PAGE_LIST.split(pages.strip().strip('"')) if part]
    if len(parts) < 2:
        return frozenset()
    return frozenset(filter(None, (first_page(part) for part in parts)))


def page_evidence(pages: str, year: int | None) -> Pages:
    """The pages as evidence; :data:`NO_PAGES` when the field holds no plausible pages.

    A lone number of at most 31 is weak: sources put the day of a date in the pages field, so
    it agrees with the same number but never contradicts another.
    """
    if not plausible_pages(pages, year):
        return NO_PAGES
    first = first_page(pages)
    if not first:
        return NO_PAGES
    last = last_page(pages)
    single = not last and all(part.isdigit() for part in _RANGE_DASH.split(pages.strip()))
    lone = single and pages.strip().isdigit()
    weak = lone and int(first) <= _LAST_DAY
    return Pages(first, last, page_starts(pages), single=single, weak=weak)


def expand_page_range(pages: str) -> tuple[str, str]:
    """``123-9`` -> (``123``, ``129``): the last page completed from the first page's digits."""
    parts = _RANGE_DASH.split(pages.strip(), maxsplit=1)
    first = parts[0]
    last = parts[1] if len(parts) > 1 else first
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first, last


def _number_key(value: str, year: int | None) -> str:
    """The first number of a volume or issue field, or empty when it is a date or no number."""
    text = value.strip().lower()
    if not text or _has_month(text):
        return ""
    numbers = _NUMBERS.findall(text)
    if not numbers:
        return ""
    number = numbers[0] if text[0].isdigit() else numbers[-1]
    if len(number) > _MAX_NUMBER_DIGITS or _is_year(number, year):
        return ""
    return str(int(number))


def volume_key(volume: str, *, year: int | None, journal: str) -> str:
    """The volume number, or empty when the field holds something else.

    Empty for the tail of a cut supplement note (``2)``), for a supplement series' number
    (``Renal Studies Suppl`` 75 is a supplement, not volume 75), for a month or a year, and for
    numbers too long to be a volume. A journal name left before the number (``Abramova / ...
    114``) is skipped: the number at the end is the volume.
    """
    text = volume.strip()
    if not text or _CUT_TAIL.fullmatch(text) or _SUPPLEMENT_SERIES.search(journal):
        return ""
    return _number_key(text, year)


def issue_key(issue: str, *, year: int | None) -> str:
    """The issue number (``S2`` for a supplement), or empty for a month, a year or no number.

    Spreadsheets turn an issue range into a date (``1-2`` becomes ``01-Feb``): missing.
    """
    text = issue.strip().lower()
    key = _number_key(text, year)
    if key and _SUPPLEMENT_ISSUE.search(text):
        return "s" + key
    return key


def in_supplement(volume: str, issue: str) -> bool:
    """Whether the volume or issue names a supplement (``Suppl. 2``, ``S2``, ``5 Supplement``)."""
    return bool(_SUPPLEMENT_ISSUE.search(issue.strip().lower()) or "suppl" in volume.lower())
