"""Citation fields as matching keys: first and last page, volume (pure string functions)."""

from __future__ import annotations

import re

_RANGE_DASH = re.compile(r"\s*[-\u2013\u2014]+\s*")
_PAGE_NUMBER = re.compile(r"[a-z]?\d+[a-z]?")
# Preface pages: "xiii", "v-vii" (only numerals, no arabic page after them).
_ROMAN_PAGES = re.compile(r"[ivxlcdm]+(?:\s*[-\u2013\u2014]+\s*[ivxlcdm]+)?")
_MONTHS = {
    m: str(i)
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# A section label repeated before both pages: "S4-76-S4-101", "IV-138-IV-152".
_SECTION_PAGES = re.compile(r"([a-z]+\d*)\s*-\s*(\d+)\s*-\s*\1\s*-\s*\d+")
_PAGE_PLACEHOLDERS = frozenset({"unknown", "n/a", "na", "none", "null"})
# "(5 Supplement)" cut to "2)" or "10S)": the tail of a supplement note, not a volume.
_CUT_TAIL = re.compile(r"[^(]*\)")
# A supplement series ("Kidney Int Suppl") numbers its supplements in the volume field.
_SUPPLEMENT_SERIES = re.compile(r"\bsuppl(?:ement)?\b")


def _page_number(part: str) -> str:
    """``S70``, ``70S`` and ``d767`` give the number."""
    match = _PAGE_NUMBER.search(part)
    if not match:
        return ""
    return str(int("".join(c for c in match.group(0) if c.isdigit())))


def first_page(pages: str) -> str:
    """First page as a key: ``123-9`` gives ``123``; Excel's ``06-Oct`` (pages 6-10) gives ``6``."""
    text = pages.strip().lower()
    if not text or text in _PAGE_PLACEHOLDERS:
        return ""
    head = _RANGE_DASH.split(text, maxsplit=1)[0]
    if head[:3] in _MONTHS and not head[3:].strip(". "):
        return _MONTHS[head[:3]]  # Excel turned "1-99" into "Jan-99"
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
    if len(parts) < 2 or parts[0][:3] in _MONTHS or parts[1][:3] in _MONTHS:
        return ""
    first, last = _page_number(parts[0]), _page_number(parts[1])
    if not first.isdigit() or not last.isdigit():
        return ""
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return "" if last == first else last


def expand_page_range(pages: str) -> tuple[str, str]:
    """``123-9`` -> (``123``, ``129``): the last page completed from the first page's digits."""
    parts = _RANGE_DASH.split(pages.strip(), maxsplit=1)
    first = parts[0]
    last = parts[1] if len(parts) > 1 else first
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first, last


def first_number(value: str) -> str:
    match = re.search(r"\d+", value)
    return str(int(match.group(0))) if match else ""


def volume_key(volume: str, *, year: int | None, journal: str) -> str:
    """The volume number, or empty when the field holds something else.

    Empty for the tail of a cut supplement note (``2)``), for a supplement series'
    number (``Kidney Int Suppl`` 75 is supplement 75 of volume 57) and for a year
    (``BMJ Clin Evid`` 2010). A journal name left before the number
    (``Korsakova / ... 114``, ``: 1995). 25``) is skipped: the number at the end is the volume.
    """
    text = volume.strip()
    if not text or _CUT_TAIL.fullmatch(text) or _SUPPLEMENT_SERIES.search(journal):
        return ""
    numbers = re.findall(r"\d+", text)
    if not numbers:
        return ""
    number = str(int(numbers[0] if text[0].isdigit() else numbers[-1]))
    return "" if year is not None and number == str(year) else number


_SUPPLEMENT_ISSUE = re.compile(r"suppl|^s\d*$")


def in_supplement(volume: str, issue: str) -> bool:
    """Whether the volume or issue names a supplement (``Suppl. 2``, ``S2``, ``5 Supplement``)."""
    return bool(_SUPPLEMENT_ISSUE.search(issue.strip().lower()) or "suppl" in volume.lower())


_PAGE_LIST = re.compile(r"\s*[+,;]\s*")


def page_starts(pages: str) -> frozenset[str]:
    """First pages of every part of a page list (``233-8, 230-5, 246-51``); empty for one part."""
    parts = [part for part in _PAGE_LIST.split(pages.strip().strip('"')) if part]
    if len(parts) < 2:
        return frozenset()
    return frozenset(filter(None, (first_page(part) for part in parts)))
