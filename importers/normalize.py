"""Tiny pure normalisers for identifiers, years, pages, names and text; no parsing of files."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import unquote

_DOI_FIND = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_DOI_TRAILING = ".,;:)]}>\"'"
_PMID = re.compile(r"^(?:pmid:?\s*)?(\d{1,9})(?:\s*\[[a-z ]+\])?$", re.IGNORECASE)
_PMCID = re.compile(r"^(?:pmcid:?\s*)?(?:pmc)?\s*(\d{1,10})(?:\s*\[[a-z ]+\])?$", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|2100)(?!\d)")
_ISSN = re.compile(r"(?<![\dX])(\d{4})-?(\d{3}[\dX])(?![\dX])", re.IGNORECASE)
_ISBN_CHARS = re.compile(r"[\dX]", re.IGNORECASE)
_ISBN_RUN = re.compile(r"\d[\d -]{8,16}[\dXx]")
# Inline markup that exports carry in titles and abstracts (HTML, JATS, MathML), by name: a bare
# "<...>" would also eat "P < 0.05 ... > 65" from an abstract and "<1615::AID-SIM216>" from a DOI.
_MARKUP_NAMES = (
    "a|b|big|bold|br|div|em|font|i|inf|italic|li|monospace|ol|p|roman|s|sans-serif|sc|scp|small"
    "|span|strike|strong|styled-content|named-content|sub|sup|tt|u|ul|underline|xref|ext-link"
    "|inline-formula|tex-math|list|list-item|title|label|sec|abstract|h[1-6]|hr|blockquote|pre"
    "|code|table|thead|tbody|tr|td|th"
    "|math|mi|mn|mo|mrow|msub|msup|msubsup|mfrac|msqrt|mtext|mspace|mstyle|mover|munder"
    "|mtable|mtr|mtd|semantics|annotation"
)
_TAG = re.compile(
    rf"</?(?:[a-z][a-z0-9]*:)?(?:{_MARKUP_NAMES})(?:\s[^<>]{{0,200}})?\s*/?>", re.IGNORECASE
)
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
_DASHES = re.compile(r"\s*[-\u2010-\u2015\u2212]+\s*")


def normalize_doi(raw: str | None) -> str | None:
    """Return a bare lower-case DOI from a DOI, ``doi:`` form or DOI URL; None if none is there."""
    if not raw:
        return None
    text = raw.strip()
    if "%" in text:  # unquote is interpreted Python: called only when it has work
        text = unquote(text)
    if "&" in text:  # SICI DOIs exported as HTML: "74:1&lt;73::AID-AJMG16&gt;3.0.CO;2-O"
        text = html.unescape(text)
    match = _DOI_FIND.search(text)
    if match is None:
        return None
    doi = match.group(0).lower().rstrip(_DOI_TRAILING)
    # A DOI ends at the first whitespace; "[doi]" tags from MEDLINE are already cut by \S+.
    return doi if "/" in doi and len(doi.split("/", 1)[1]) > 0 else None


def normalize_pmid(raw: str | None) -> str | None:
    """Return PubMed's numeric id ("PMID: 123", "123 [pubmed]" -> "123"), or None."""
    if not raw:
        return None
    match = _PMID.match(raw.strip())
    if match is None or int(match.group(1)) == 0:
        return None
    return str(int(match.group(1)))


def normalize_pmcid(raw: str | None) -> str | None:
    """Return "PMC" plus digits ("pmc123", "PMCID: PMC123 [pmc]" -> "PMC123"), or None."""
    if not raw:
        return None
    match = _PMCID.match(raw.strip())
    return f"PMC{int(match.group(1))}" if match else None


def normalize_issn(raw: str | None) -> str | None:
    """Return the first ISSN in *raw* as ``1234-567X``, or None."""
    if not raw:
        return None
    match = _ISSN.search(raw)
    return f"{match.group(1)}-{match.group(2).upper()}" if match else None


def normalize_isbn(raw: str | None) -> str | None:
    """Return the first ISBN-10/13 in *raw* without hyphens (valid checksum preferred), or None."""
    if not raw:
        return None
    candidates = ["".join(_ISBN_CHARS.findall(c)).upper() for c in _ISBN_RUN.findall(raw)]
    sized = [c for c in candidates if len(c) in (10, 13)]
    valid = [c for c in sized if _valid_isbn(c)]
    chosen = valid or sized
    return chosen[0] if chosen else None


def _valid_isbn(digits: str) -> bool:
    if len(digits) == 10 and digits[:9].isdigit():
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits))
        return total % 10 == 0
    return False


def extract_year(*candidates: str | None) -> int | None:
    """Return the first plausible year (1500-2100) found in Y1/PY/DA/MedlineDate-like strings."""
    for raw in candidates:
        if raw:
            if len(raw) == 4 and raw.isascii() and raw.isdigit():
                # A bare year (most PY values) skips the regex: same answer, a third of the time.
                year = int(raw)
                if 1500 <= year <= 2100:
                    return year
                continue
            match = _YEAR.search(raw)
            if match:
                return int(match.group(1))
    return None


def format_pages(start: str | None, end: str | None = None) -> str:
    """Join start and end pages as ``start-end``; a lone range is tidied ("12 - 19" -> "12-19")."""
    if start and start.isdigit() and (not end or end.isdigit()):
        # Plain page numbers (most records) have nothing to clean, tidy or look up.
        return _expand_range(start, end) if end and end != start else start
    first = clean_text(start)
    last = clean_text(end)
    # Ovid writes an unknown page range as "SP - No" / "EP - Specified".
    if first.lower() in {"no", "not specified", "n/a", "na"}:
        first = ""
    if last.lower() in {"specified", "not specified", "n/a", "na"}:
        last = ""
    if first and last and last != first:
        return _expand_range(first, last)
    single = _DASHES.sub("-", first or last)
    start, dash, end = single.partition("-")
    return _expand_range(start, end) if dash and start and end else single


def _expand_range(start: str, end: str) -> str:
    # MEDLINE abbreviates end pages ("454-81" is 454-481); write them out for matching.
    if start.isdigit() and end.isdigit() and len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return f"{start}-{end}"


def normalize_author(raw: str | None) -> str:
    """Tidy one author name: single spaces, a space after the comma ("Shannon,Claude" form)."""
    if not raw:
        return ""
    return tidy_author(clean_text(raw))


def tidy_author(text: str) -> str:
    """normalize_author for a name that clean_text would leave unchanged (see has_plain_spacing)."""
    name = text.strip(" ;")
    if ", " in name and name.count(",") == 1:
        return name
    if "," in name:
        last, _, rest = name.partition(",")
        rest = rest.strip()
        return f"{last.strip()}, {rest}" if rest else last.strip()
    return name


def has_plain_spacing(text: str) -> bool:
    """True when *text* has no whitespace but spaces and line breaks.

    A stripped value cut from such text is left unchanged by clean_text when left_as_is says
    so: parsers check that much per value and skip the call for most of them."""
    if text.isascii():
        # Single-character searches run in C at memory speed; a regex would test every character.
        return not (
            "\t" in text
            or "\x0b" in text
            or "\x0c" in text
            or "\r" in text
            or "\x1c" in text
            or "\x1d" in text
            or "\x1e" in text
            or "\x1f" in text
        )
    # Whitespace but " " is unprintable; so are a few other characters (they only lose the
    # shortcut, never correctness).
    return text.replace("\n", " ").isprintable()


def left_as_is(text: str) -> bool:
    """True when clean_text returns *text* unchanged, given that *text* is stripped and cut from
    text with plain spacing (has_plain_spacing): nothing for it to unescape, untag or collapse."""
    return not ("<" in text or "&" in text or "  " in text)


def strip_markup(text: str) -> str:
    """Remove inline markup by tag name (HTML, JATS, MathML); other text between ``<`` and
    ``>`` ("P < 0.05 ... > 65", a SICI DOI's ``<1615::AID-SIM216>``) is kept."""
    return _TAG.sub("", text) if "<" in text else text


def clean_text(raw: str | None) -> str:
    """Unescape HTML entities, drop inline tags and collapse whitespace."""
    if not raw:
        return ""
    text = strip_markup(raw)
    if "&" in text and ";" in text:
        text = html.unescape(text)
    # Printable text has no whitespace but " ", so str.replace (fast, in C) can collapse it.
    # str.isprintable looks each character up in Unicode tables; on long ASCII text (abstracts)
    # deleting the printable bytes and seeing if any are left gives the same answer 3x faster.
    if len(text) > 100 and text.isascii():
        printable = not text.encode("ascii").translate(None, _PRINTABLE_ASCII)
    else:
        printable = text.isprintable()
    if printable and "  " not in text:
        return text.strip()
    # Every run of whitespace becomes one space: str.split() cuts at the same characters as
    # "\s", in one pass, where a regex substitution tests each character (3x slower).
    return " ".join(text.split())


@lru_cache(maxsize=16)
def _splitter(separators: str) -> re.Pattern[str] | None:
    return re.compile(f"[{re.escape(separators)}]") if separators else None


def split_keywords(
    values: list[str] | tuple[str, ...], *, separators: str = ";", plain: bool = False
) -> tuple[str, ...]:
    """Split keyword values on *separators*, clean each, drop empties and repeats (order kept).

    *plain*: the values are stripped and come from text with plain spacing (has_plain_spacing)."""
    # One separator (the usual ";") splits with str.split, the same cut as the regex, faster.
    single = separators if len(separators) == 1 else None
    if plain and single is not None:
        joined = single.join(values)
        if left_as_is(joined):
            # Nothing for clean_text to do but strip: one split and C-level maps do it all, and
            # values without a separator of their own (most) are kept as they are.
            whole = joined.count(single) == len(values) - 1
            kept = dict.fromkeys(values if whole else map(str.strip, joined.split(single)))
            kept.pop("", None)
            return tuple(kept)
    splitter = None if single else _splitter(separators)
    seen: dict[str, None] = {}
    for value in dict.fromkeys(values):
        if single is not None:
            parts: list[str] = value.split(single) if single in value else [value]
        elif splitter is None or not splitter.search(value):
            parts = [value]
        else:
            parts = splitter.split(value)
        for part in parts:
            keyword = _clean_keyword(part)
            if keyword:
                seen.setdefault(keyword, None)
    return tuple(seen)


# The same keywords ("Humans", "Female", MeSH headings) recur across a file's records.
_clean_keyword = lru_cache(maxsize=4096)(clean_text)
