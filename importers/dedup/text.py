"""Text folded for matching: titles, names and journals as comparable lower-case ASCII words."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from importers.normalize import strip_markup

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
# After NFKD: anything but a letter, digit or combining accent separates words: the en dash of
# "hemolytic\u2013uremic" would otherwise be deleted by the ASCII step, gluing the words.
_NOT_WORD = re.compile(r"[^\w\u0300-\u036f]+|_")
_PLACEHOLDERS = frozenset({"unknown", "n/a", "na", "none", "null", "[no title]", "anonymous"})
# Notes appended to titles by databases: "[Turkish]", "[Erratum appears in ...]", "[1]".
_TRAILING_NOTE = re.compile(
    r"(?<=\S)\s*\.?\s*\[(?:errat|comment|retract|published|see |article in|english abstract"
    r"|\d+\]\s*$|[a-z]+(?: language)?\]\s*\.?\s*$).*$|\s*\(multiple letters\)",
    re.I | re.S,
)
# The language of the original appended as a last sentence: "Ancient pottery. Russian".
LANGUAGE_NOTE = re.compile(
    r"\.\s*(?:chinese|czech|danish|dutch|finnish|french|german|greek|hebrew|hungarian|italian"
    r"|japanese|korean|norwegian|persian|polish|portuguese|romanian|russian|serbian|slovak"
    r"|spanish|swedish|turkish|ukrainian)\s*\.?\s*$",
    re.I,
)
# How errata cite the corrected article: Web of Science "(vol 360, pg 542, 2009)" and
# EMBASE "(New England Journal of Medicine (2009) 360 (542-544))".
ERRATUM_CITATION = re.compile(
    r"\s*\((?:vol\.? \d+,? pg\.? \w+[^()]*|[^()]*\(\d{4}\)\s*\d+[^()]*\([^()]*\))\)\s*\.?\s*$",
    re.I,
)
_ORIGINAL_MARK = re.compile(r"<original>", re.I)
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
    """Lower-case ASCII words: markup, diacritics and punctuation removed, spaces collapsed.

    Markup goes by tag name (the importers' stripper): text between ``<`` and ``>`` that is not
    a tag ("P < 0.05 and age > 65") stays.
    """
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = strip_markup(text)
    if not text.isascii():  # ASCII text has no mojibake, ligature or accent to undo
        text = unicodedata.normalize("NFKD", fix_mojibake(text).translate(_LIGATURES))
        text = _NOT_WORD.sub(" ", text).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def is_placeholder(value: str) -> bool:
    return value.strip().lower() in _PLACEHOLDERS


def normalize_title(title: str) -> str:
    """Title for comparison: brackets of translated titles, database notes and language tags
    dropped, British spellings made American."""
    if is_placeholder(title):
        return ""
    # "English title <ORIGINAL> original title": the translation is what other sources carry.
    text = _ORIGINAL_MARK.split(title, maxsplit=1)[0] if "<" in title else title
    text = _TRAILING_NOTE.sub("", text.strip())
    text = ERRATUM_CITATION.sub("", LANGUAGE_NOTE.sub("", text))
    if text.startswith("[") and text.rstrip(". ").endswith("]"):
        text = text.strip("[]. ")  # a translated title, bracketed as a whole
    return " ".join(map(_american, fold(text).split()))


@lru_cache(maxsize=65536)
def _american(word: str) -> str:
    """One folded word in American spelling; every rewrite stays inside the word, and words
    recur from title to title."""
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    return word


def is_translated(title: str) -> bool:
    """A bracketed translation, the original carried along, or the original's language noted:
    such a title may be compared with one in another language."""
    return (
        title.lstrip(' "').startswith("[")
        or "<original>" in title.lower()
        or LANGUAGE_NOTE.search(title) is not None
    )
