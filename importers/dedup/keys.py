"""Normalisation for matching: turns a Reference into comparable keys; never changes the record."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote

from importers.dedup.citation import (
    first_page,
    in_supplement,
    last_page,
    page_starts,
    volume_key,
)
from importers.model import Reference, ReferenceType


class Kind(StrEnum):
    """What a record is for matching: different kinds are never merged automatically."""

    ARTICLE = "article"
    ERRATUM = "erratum"
    RETRACTION = "retraction"
    COMMENT = "comment"
    ABSTRACT = "conference abstract"


@dataclass(frozen=True, slots=True)
class MatchKeys:
    """The normalised fields one record is compared on."""

    title: str
    title_words: int
    # The title is a translation ("[...]" in MEDLINE) or carries the original ("<ORIGINAL>").
    translated: bool
    authors: str
    # The surnames if full names were written given name first; empty when not applicable.
    authors_given_first: str
    first_author: str
    year: int | None
    journal: str
    volume: str
    first_page: str
    # Last page of a printed range; empty for a single page.
    last_page: str
    # First pages of every part when the field lists several ranges; empty otherwise.
    page_starts: frozenset[str]
    # The volume or issue names a supplement, where meeting abstracts are printed.
    supplement: bool
    doi: str
    pmid: str
    title_digits: str
    abstract: str
    kind: Kind
    completeness: int


_TAGS = re.compile(r"<[^>]+>")
# Letters NFKD does not decompose into ASCII.
_LIGATURES = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "œ": "oe",
        "Œ": "OE",
    }
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Where glued authors meet: "XiangPeters", "CPaton", "NWBehnke" (not "McIntosh", "LeRouge").
_GLUED_BOUNDARY = re.compile(
    r"(?<=[a-z])(?<!\bMc)(?<!\bMac)(?<!\bLe)(?<!\bDe)(?<!\bDi)(?<!\bDu)(?<!\bLa)(?<!\bVan)"
    r"(?=[A-Z][a-z])|(?<=\b[A-Z][A-Z])(?=[A-Z][a-z])|(?<=\b[A-Z])(?=[A-Z][a-z])"
)
_FIGURE_SUFFIX = re.compile(r"\.g\d{3}$")
_ISSN_ONLY = re.compile(r"\d{7}[\dx]")
_COCHRANE_NUMBER = re.compile(r"cd\d{6}")
_COCHRANE_VERSION = re.compile(r"(?<=^10\.1002/14651858\.cd\d{6})\.pub\d+$")
_NOT_DIGIT = re.compile(r"\D+")
_PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "di", "da", "del", "le", "la", "du", "st"}
)
_DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>]+")
_PLACEHOLDERS = frozenset({"unknown", "n/a", "na", "none", "null", "[no title]", "anonymous"})
# Notes appended to titles by databases: "[Turkish]", "[Erratum appears in ...]", "[1]".
_TRAILING_NOTE = re.compile(
    r"(?<=\S)\s*\.?\s*\[(?:errat|comment|retract|published|see |article in|english abstract"
    r"|\d+\]\s*$|[a-z]+(?: language)?\]\s*\.?\s*$).*$|\s*\(multiple letters\)",
    re.I | re.S,
)
# The language of the original appended as a last sentence: "Ancient DNA. Russian".
_LANGUAGE_NOTE = re.compile(
    r"\.\s*(?:chinese|czech|danish|dutch|finnish|french|german|greek|hebrew|hungarian|italian"
    r"|japanese|korean|norwegian|persian|polish|portuguese|romanian|russian|serbian|slovak"
    r"|spanish|swedish|turkish|ukrainian)\s*\.?\s*$",
    re.I,
)
# How errata cite the corrected article: Web of Science "(vol 360, pg 542, 2009)" and
# EMBASE "(New England Journal of Medicine (2009) 360 (542-544))".
_ERRATUM_CITATION = re.compile(
    r"\s*\((?:vol\.? \d+,? pg\.? \w+[^()]*|[^()]*\(\d{4}\)\s*\d+[^()]*\([^()]*\))\)\s*\.?\s*$",
    re.I,
)
# British -> American spellings that decide matches in medical titles; cheap word-part rewrites.
_SPELLING = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\b(h|an)ae", r"\1e"),
        (r"aem", "em"),
        (r"\boe(s|d)", r"e\1"),
        (r"\bpaed", "ped"),
        (r"our\b", "or"),
        (r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)\b", r"iz\1"),
        (r"(?<=[a-z])tre\b", "ter"),
        (r"yse\b", "yze"),
    )
)
_ERRATUM = re.compile(r"^(?:erratum|errata|corrigendum|correction|publisher s note)\b")
# Web of Science cites the corrected article in an erratum's title: "(vol 360, pg 542, 2009)".

_RETRACTION = re.compile(r"^(?:retraction|retracted|notice of retraction|withdrawn)\b")
_KIND_SUFFIX = re.compile(
    r"\b(?:reply|response|author s reply|erratum|errata|corrigendum|correction|retraction|comment)$"
)
_COMMENT = re.compile(
    r"^(?:comment|commentary|reply|response|in reply|re|author s reply|authors reply"
    r"|letter to the editor|editorial comment)\b"
    r"|^(?:\w+ ){0,3}(?:comments? on|reply to|response to|in response to)\b"
)
# Meeting words in a journal field mark an abstract ("Proceedings of ..." is often a journal).
_MEETING = re.compile(r"\b(?:conference|congress|meeting|symposium)\b")


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as Latin-1 (``KÃ¶nig`` -> ``König``), which exports often contain."""
    if "Ã" not in text and "â" not in text:
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return text


def fold(text: str) -> str:
    """Lower-case ASCII words: HTML, diacritics and punctuation removed, spaces collapsed."""
    text = _TAGS.sub(" ", html.unescape(fix_mojibake(text)))
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = text.encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def is_placeholder(value: str) -> bool:
    return value.strip().lower() in _PLACEHOLDERS


def normalize_title(title: str) -> str:
    """Title for comparison: brackets of translated titles and language tags dropped."""
    if is_placeholder(title):
        return ""
    text = _TRAILING_NOTE.sub("", title.strip())
    text = _ERRATUM_CITATION.sub("", _LANGUAGE_NOTE.sub("", text))
    if text.startswith("[") and text.rstrip(". ").endswith("]"):
        text = text.strip("[]. ")  # a translated title, bracketed as a whole
    words = fold(text)
    for pattern, replacement in _SPELLING:
        words = pattern.sub(replacement, words)
    return words


def normalize_doi(value: str | None) -> str:
    """The bare lower-case DOI inside a URL, ``doi:`` form or ``ARTN 32\\n10...`` field."""
    if not value:
        return ""
    match = _DOI.search(html.unescape(unquote(value)))
    if not match:
        return ""
    doi = match.group(0).lower().rstrip(".,;)]")
    # Cochrane's ".pub3" names a version of the same review; ".g001" a figure of the article.
    doi = _FIGURE_SUFFIX.sub("", _COCHRANE_VERSION.sub("", doi))
    prefix, _, suffix = doi.partition("/")
    # Punctuation inside DOIs varies between exports ("_12" vs "-12"); letters and digits decide.
    suffix = _NON_ALNUM.sub("", suffix)
    if _ISSN_ONLY.fullmatch(suffix):
        return ""  # a journal's DOI prefix and ISSN, not an article's DOI
    return f"{prefix}/{suffix}"


def split_authors(value: str) -> tuple[str, ...]:
    """Split ``A and B``, ``A; B``, ``A I., B J.`` or glued EndNote ``Przyklenk K.Kloner R. A.``."""
    value = value.strip()
    if not value or is_placeholder(value):
        return ()
    if " and " in value:
        parts = value.split(" and ")
    elif ";" in value:
        parts = value.split(";")
    elif re.search(r"\.,\s", value):
        parts = re.split(r"(?<=\.),\s*", value)
    else:
        parts = re.split(r"(?<=\.)(?=[^\s.,;-][^\s.]*[a-z])", value)
    # Glued without full stops: "Hedeler CPaton NW", "Ng Qin XiangPeters Christina".
    parts = [p for part in parts for p in _GLUED_BOUNDARY.split(part)]
    return tuple(p.strip() for p in parts if p.strip())


def surname(author: str) -> str:
    """The folded surname of ``Surname, Given``, ``Surname I. J.`` or ``Surname Given``."""
    author = fix_mojibake(author).strip()
    if "," in author:
        return fold(author.split(",", 1)[0])
    # "Surname I. J.", "Surname IJ" and "Surname Given Names" all start with the surname;
    # a particle ("van Impel", "Le Quintrec") takes the next word with it.
    tokens = fold(author).split()
    if len(tokens) > 1 and tokens[0] in _PARTICLES:
        return " ".join(tokens[:2])
    return tokens[0] if tokens else ""


def _given_first_surname(author: str) -> str:
    """``Agata Mulak`` may be given name first: its last word, when no word is an initial."""
    parts = author.split()
    if len(parts) != 2 or "," in author or "." in author or author.strip() == "et al":
        return ""
    given, family = parts
    if family.isupper() or min(len(given), len(family)) < 2 or given.lower() in _PARTICLES:
        return ""  # "Westropp JL" is surname and initials; "van Impel" is one surname
    return fold(fix_mojibake(family))


def given_first_surnames(authors: tuple[str, ...]) -> str:
    """The surnames read as ``Given Surname``; empty when that reading changes nothing."""
    if not any(_given_first_surname(a) for a in authors):
        return ""
    real = [a for a in authors if not is_placeholder(a) and a.strip() != "et al"]
    names = [_given_first_surname(a) or surname(a) for a in real]
    return " ".join(n for n in names if n)


def author_surnames(authors: tuple[str, ...]) -> list[str]:
    """Surnames of the real authors (placeholders and ``et al`` dropped)."""
    names = (surname(a) for a in authors if not is_placeholder(a) and a.strip() != "et al")
    return [n for n in names if n]


def record_kind(ref: Reference, title: str) -> Kind:
    if _ERRATUM.match(title) or _ERRATUM_CITATION.search(ref.title):
        return Kind.ERRATUM
    if _RETRACTION.match(title):
        return Kind.RETRACTION
    if _COMMENT.match(title):
        return Kind.COMMENT
    suffix = _KIND_SUFFIX.search(title)
    if suffix:
        word = suffix.group(0)
        return (
            Kind.COMMENT
            if word in {"reply", "response", "author s reply", "comment"}
            else (Kind.RETRACTION if word == "retraction" else Kind.ERRATUM)
        )
    if ref.type in {ReferenceType.CONFERENCE_ABSTRACT, ReferenceType.CONFERENCE_PAPER}:
        return Kind.ABSTRACT
    if _MEETING.search(fold(ref.journal)):
        return Kind.ABSTRACT
    return Kind.ARTICLE


def _cochrane_doi(pages: str) -> str:
    """A Cochrane review's article number (``CD001186`` in the pages field) fixes its DOI."""
    number = pages.strip().lower()
    return normalize_doi(f"10.1002/14651858.{number}") if _COCHRANE_NUMBER.fullmatch(number) else ""


def _completeness(ref: Reference) -> int:
    """How complete a record is: the most complete one of a cluster is kept."""
    filled = (ref.title, ref.journal, ref.volume, ref.issue, ref.pages, ref.doi, ref.pmid)
    score = sum(2 for value in filled if value and not is_placeholder(value))
    score += 2 * bool(ref.authors) + 2 * (ref.year is not None)
    return score + 3 * bool(ref.abstract.strip()) + min(len(ref.abstract) // 500, 2)


def _is_translated(title: str) -> bool:
    """A bracketed translation, the original carried along, or the original's language noted."""
    return (
        title.lstrip(' "').startswith("[")
        or "<original>" in title.lower()
        or _LANGUAGE_NOTE.search(title) is not None
    )


def match_keys(ref: Reference, *, abstract_chars: int = 400) -> MatchKeys:
    """Every key the pipeline compares, computed once per record."""
    title = normalize_title(ref.title)
    surnames = author_surnames(ref.authors)
    abstract = "" if is_placeholder(ref.abstract) else fold(ref.abstract[: abstract_chars * 2])
    journal = "" if is_placeholder(ref.journal) else fold(ref.journal)
    return MatchKeys(
        title=title,
        title_words=len(title.split()),
        translated=_is_translated(ref.title),
        authors=" ".join(surnames),
        authors_given_first=given_first_surnames(ref.authors),
        first_author=surnames[0] if surnames else "",
        year=ref.year,
        journal=journal,
        volume=volume_key(ref.volume, year=ref.year, journal=journal),
        first_page=first_page(ref.pages),
        last_page=last_page(ref.pages),
        page_starts=page_starts(ref.pages),
        supplement=in_supplement(ref.volume, ref.issue),
        doi=normalize_doi(ref.doi) or _cochrane_doi(ref.pages),
        pmid=(ref.pmid or "").strip(),
        title_digits=_NOT_DIGIT.sub("", title),
        abstract=abstract[:abstract_chars],
        kind=record_kind(ref, title),
        completeness=_completeness(ref),
    )
