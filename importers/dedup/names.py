"""Author names as matching keys: the surnames, read from names the importer already split."""

from __future__ import annotations

from functools import lru_cache

from importers.dedup.text import fix_mojibake, fold, is_placeholder

_PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "di", "da", "del", "le", "la", "du", "st"}
)


def _real(author: str) -> bool:
    return not is_placeholder(author) and author.strip() != "et al"


@lru_cache(maxsize=65536)
def _real_surname(author: str) -> str:
    """The surname of a real author; empty for a placeholder or ``et al``."""
    return surname(author) if _real(author) else ""


@lru_cache(maxsize=65536)
def surname(author: str) -> str:
    """The folded surname of ``Surname, Given``, ``Surname I. J.`` or ``Surname Given``."""
    author = fix_mojibake(author).strip()
    if "," in author:
        return fold(author.split(",", 1)[0])
    # "Surname I. J.", "Surname IJ" and "Surname Given Names" all start with the surname;
    # a particle ("van Dalen", "Le Bris") takes the next word with it.
    tokens = fold(author).split()
    if len(tokens) > 1 and tokens[0] in _PARTICLES:
        return " ".join(tokens[:2])
    return tokens[0] if tokens else ""


def author_surnames(authors: tuple[str, ...]) -> list[str]:
    """Surnames of the real authors (placeholders and ``et al`` dropped)."""
    return [name for name in map(_real_surname, authors) if name]


@lru_cache(maxsize=65536)
def _given_first_surname(author: str) -> str:
    """``Agata Nowicka`` may be given name first: its last word, when no word is an initial."""
    parts = author.split()
    if len(parts) != 2 or "," in author or "." in author or not _real(author):
        return ""
    given, family = parts
    if family.isupper() or min(len(given), len(family)) < 2 or given.lower() in _PARTICLES:
        return ""  # "Westwood JL" is surname and initials; "van Dalen" is one surname
    return fold(fix_mojibake(family))


def given_first_surnames(authors: tuple[str, ...]) -> str:
    """The surnames read as ``Given Surname``; empty when that reading changes nothing."""
    if not any(_given_first_surname(a) for a in authors):
        return ""
    names = (_given_first_surname(a) or _real_surname(a) for a in authors)
    return " ".join(n for n in names if n)
