"""Matching full-text PDFs to records by their file names: identifiers first, then the title.

People name PDFs in a few ways: by an identifier ("10.1016_j.jclinepi.2020.01.001.pdf",
"PMID 31234567.pdf", "PMC6543210.pdf"), or the way reference managers do, author, year and a
title that is often cut short ("Smith et al. - 2020 - Effect of exercise on depression in old.pdf").
An identifier that equals a record's is taken as certain. A title is only a guess: a file is
attached without asking only when one record's title clearly stands out; otherwise the person
picks among the closest records. Two files that claim one record are both asked about.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from urllib.parse import unquote

from rapidfuzz import fuzz

# Scores are 0-100. A title match is taken without asking only when it is near-identical and
# no other record comes close: a wrong PDF screened as the right one is worse than a question.
SURE_TITLE_SCORE = 90.0
SURE_TITLE_MARGIN = 10.0
# ...and when the name carries at least half the title (one shared word says too little).
SURE_TITLE_COVERAGE = 0.5
# Below this a record is not worth offering; at most OPTIONS records are offered.
OPTION_SCORE = 60.0
OPTIONS = 5
# A title cut short in a file name still has this many characters (shorter ones say too little).
MIN_PREFIX_CHARS = 20

_DOI_START = re.compile(r"10\.\d{4,9}", re.IGNORECASE)
_PMCID = re.compile(r"(?<![A-Za-z0-9])PMC(\d{1,9})(?!\d)", re.IGNORECASE)
_LABELLED_PMID = re.compile(r"PMID[\s_:\-=]*(\d{1,8})(?!\d)", re.IGNORECASE)
# A bare number of five to eight digits may be a PMID; shorter ones are too often years or pages.
_BARE_NUMBER = re.compile(r"(?<!\d)(\d{5,8})(?!\d)")
_EXTENSION = re.compile(r"\.pdf$", re.IGNORECASE)
_SEGMENT_SEPARATOR = re.compile(r"\s+[-\u2013\u2014]\s+")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


class MatchedBy(StrEnum):
    DOI = "doi"
    PMID = "pmid"
    PMCID = "pmcid"
    TITLE = "title"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A record a PDF may belong to."""

    record_id: int
    title: str
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None


@dataclass(frozen=True, slots=True)
class Option:
    record_id: int
    score: float  # 100 for an identifier, the title similarity otherwise
    matched_by: MatchedBy


@dataclass(frozen=True, slots=True)
class FileMatch:
    """Where one file goes: ``record_id`` when certain, else ``options`` to ask, best first."""

    filename: str
    record_id: int | None
    matched_by: MatchedBy | None
    options: tuple[Option, ...] = ()

    @property
    def sure(self) -> bool:
        return self.record_id is not None


def _key(text: str) -> str:
    return _NOT_WORD.sub("", text.casefold())


def _stem(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return _EXTENSION.sub("", unquote(name))


def doi_records(
    stem: str, candidates: Sequence[Candidate]
) -> tuple[set[int], list[tuple[int, int]]]:
    """Records whose DOI is written in the file name, and the spans it takes there.

    A DOI's "/" cannot be in a file name, so it is written as "_", "-", "%2F" or left out:
    DOIs are compared on their letters and digits alone, and must end where a word ends."""
    by_key: dict[str, set[int]] = {}
    for candidate in candidates:
        if candidate.doi and len(key := _key(candidate.doi)) > 6:
            by_key.setdefault(key, set()).add(candidate.record_id)
    found: set[int] = set()
    spans: list[tuple[int, int]] = []
    for start in _DOI_START.finditer(stem):
        key, ends = _key_with_ends(stem, start.start())
        written = [k for k in by_key if key.startswith(k) and _ends_a_word(stem, ends[len(k) - 1])]
        best = max(written, key=len, default=None)
        if best is not None:
            found |= by_key[best]
            spans.append((start.start(), ends[len(best) - 1] + 1))
    return found, spans


def _ends_a_word(text: str, index: int) -> bool:
    return index + 1 == len(text) or not text[index + 1].isalnum()


def _key_with_ends(text: str, start: int) -> tuple[str, list[int]]:
    """The comparison key of text[start:] and, for each of its characters, where it sits in text."""
    chars, ends = [], []
    for index in range(start, len(text)):
        char = text[index].casefold()
        if char.isalnum() and char.isascii():
            chars.append(char)
            ends.append(index)
    return "".join(chars), ends


def _outside(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e in spans)


def identifier_records(stem: str, candidates: Sequence[Candidate]) -> dict[int, MatchedBy]:
    """Records the file name names by DOI, PMCID or PMID (per record, the first kind found)."""
    found: dict[int, MatchedBy] = {}
    dois, spans = doi_records(stem, candidates)
    for record_id in dois:
        found.setdefault(record_id, MatchedBy.DOI)
    pmcids = {
        _key(c.pmcid).removeprefix("pmc").lstrip("0"): c.record_id for c in candidates if c.pmcid
    }
    for match in _PMCID.finditer(stem):
        pmc_record = pmcids.get(match.group(1).lstrip("0"))
        if pmc_record is not None:
            found.setdefault(pmc_record, MatchedBy.PMCID)
        spans.append(match.span())
    pmids: dict[str, set[int]] = {}
    for candidate in candidates:
        if candidate.pmid and candidate.pmid.strip().isdigit():
            pmids.setdefault(candidate.pmid.strip().lstrip("0"), set()).add(candidate.record_id)
    numbers = [(m.group(1), m.span(1)) for m in _LABELLED_PMID.finditer(stem)]
    numbers += [(m.group(1), m.span(1)) for m in _BARE_NUMBER.finditer(stem)]
    for number, (start, end) in numbers:
        if _outside(spans, start, end):
            for record_id in pmids.get(number.lstrip("0"), ()):
                found.setdefault(record_id, MatchedBy.PMID)
    return found


def _words(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


@dataclass(frozen=True, slots=True)
class TitleEvidence:
    score: float  # 0-100: how alike the name and the title are where they overlap
    coverage: float  # 0-1: how much of the title the name carries


def title_evidence(stem: str, title: str) -> TitleEvidence:
    """How well a file name carries a record's title.

    The whole name is compared word by word (extra words such as authors and a year weigh
    little); each part between " - " (reference managers put author, year and title there) is
    also compared with the title's beginning, as long names are cut short. A name that shares
    one word with a title may score high, but carries little of it: coverage says how much."""
    title_words = _words(title)
    if not title_words:
        return TitleEvidence(0.0, 0.0)
    name = stem.replace("_", " ")
    name_words = _words(name)
    shared = set(name_words.split()) & set(title_words.split())
    best = TitleEvidence(
        float(fuzz.token_set_ratio(name_words, title_words)),
        min(1.0, sum(len(w) for w in shared) / len(title_words.replace(" ", ""))),
    )
    for part in _SEGMENT_SEPARATOR.split(name):
        words = _words(part)
        if len(words) >= MIN_PREFIX_CHARS:
            prefix = TitleEvidence(
                float(fuzz.ratio(words, title_words[: len(words)])),
                min(1.0, len(words) / len(title_words)),
            )
            best = max(best, prefix, key=lambda e: (e.score, e.coverage))
    return best


def title_score(stem: str, title: str) -> float:
    return title_evidence(stem, title).score


def match_file(filename: str, candidates: Sequence[Candidate]) -> FileMatch:
    """Where one file goes, or which records to ask about."""
    stem = _stem(filename)
    named = identifier_records(stem, candidates)
    if len(named) == 1:
        [(record_id, how)] = named.items()
        return FileMatch(filename, record_id, how, (Option(record_id, 100.0, how),))
    if named:  # identifiers that disagree: the person decides
        options = tuple(Option(r, 100.0, how) for r, how in sorted(named.items()))
        return FileMatch(filename, None, None, options)
    evidence = {c.record_id: title_evidence(stem, c.title) for c in candidates}
    scored = sorted(evidence.items(), key=lambda pair: (-pair[1].score, pair[0]))
    options = tuple(
        Option(record_id, round(e.score, 1), MatchedBy.TITLE)
        for record_id, e in scored[:OPTIONS]
        if e.score >= OPTION_SCORE
    )
    if options:
        best = options[0]
        runner_up = options[1].score if len(options) > 1 else 0.0
        if (
            best.score >= SURE_TITLE_SCORE
            and best.score - runner_up >= SURE_TITLE_MARGIN
            and evidence[best.record_id].coverage >= SURE_TITLE_COVERAGE
        ):
            return FileMatch(filename, best.record_id, MatchedBy.TITLE, options)
    return FileMatch(filename, None, None, options)


def match_files(filenames: Sequence[str], candidates: Sequence[Candidate]) -> list[FileMatch]:
    """Each file's match; when several files are sure of one record, each of them is asked."""
    matches = [match_file(name, candidates) for name in filenames]
    claimed = Counter(m.record_id for m in matches if m.record_id is not None)
    return [
        replace(m, record_id=None, matched_by=None)
        if m.record_id is not None and claimed[m.record_id] > 1
        else m
        for m in matches
    ]
