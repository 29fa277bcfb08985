"""Highlight spans for the review's include/exclude keywords in a title and an abstract.

Case-insensitive, whole words only; ``*`` matches any word characters (``random*``), and
the words of a phrase may be separated by any whitespace or hyphen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class KeywordKind(StrEnum):
    INCLUDE = "include"
    EXCLUDE = "exclude"


class Field(StrEnum):
    TITLE = "title"
    ABSTRACT = "abstract"


@dataclass(frozen=True, slots=True)
class KeywordSpan:
    """``text[start:end]`` matched ``keyword``; offsets are in characters of that field."""

    field: Field
    start: int
    end: int
    kind: KeywordKind
    keyword: str


@dataclass(frozen=True, slots=True)
class KeywordMatcher:
    patterns: tuple[tuple[KeywordKind, str, re.Pattern[str]], ...]


def compile_keywords(include: Sequence[str], exclude: Sequence[str]) -> KeywordMatcher:
    """Compile once per review; reuse for every record."""
    patterns = [
        (kind, word, _pattern(word))
        for kind, words in ((KeywordKind.INCLUDE, include), (KeywordKind.EXCLUDE, exclude))
        for word in dict.fromkeys(w.strip() for w in words if w.strip(" *"))
    ]
    return KeywordMatcher(tuple(patterns))


def _pattern(word: str) -> re.Pattern[str]:
    pieces = []
    for token in re.split(r"[\s\-]+", word.strip()):
        pieces.append(r"\w*".join(re.escape(part) for part in token.split("*")))
    body = r"[\s\-]+".join(pieces)
    # Lookarounds rather than \b so keywords that begin or end with punctuation still work.
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def find_spans(matcher: KeywordMatcher, title: str, abstract: str) -> tuple[KeywordSpan, ...]:
    """All matches in title then abstract, sorted; a span inside a longer one is dropped."""
    spans: list[KeywordSpan] = []
    for field, text in ((Field.TITLE, title), (Field.ABSTRACT, abstract)):
        found = [
            KeywordSpan(field, m.start(), m.end(), kind, word)
            for kind, word, pattern in matcher.patterns
            for m in pattern.finditer(text)
            if m.end() > m.start()
        ]
        spans.extend(_drop_nested(found))
    return tuple(spans)


def _drop_nested(spans: list[KeywordSpan]) -> list[KeywordSpan]:
    """Keep the longest of nested matches; an include beats an exclude of the same extent."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end, s.kind != KeywordKind.INCLUDE))
    kept: list[KeywordSpan] = []
    for span in ordered:
        if any(k.start <= span.start and span.end <= k.end for k in kept):
            continue
        kept.append(span)
    return kept
