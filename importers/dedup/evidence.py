"""Evidence shared by decisions and their reasons: identical texts, extended titles, notes."""

from __future__ import annotations

from rapidfuzz import fuzz

from importers.dedup.compare import (
    Agreement,
    FieldScores,
    journal_acronym,
    journal_similarity,
    token_sort_authors,
)
from importers.dedup.config import DedupConfig
from importers.dedup.keys import MatchKeys
from importers.dedup.kind import Kind


def one_number_mistyped(
    left: MatchKeys, right: MatchKeys, pages_differ: bool, volumes_differ: bool
) -> bool:
    """Only the volume differs, or only the first page of two printed page ranges.

    Two single pages in two volumes are two meeting supplements, not a typing error.
    """
    if volumes_differ:
        return not pages_differ
    return pages_differ and bool(left.last_page and right.last_page)


def same_text(left: MatchKeys, right: MatchKeys, config: DedupConfig) -> bool:
    """Same year, journal, title and first author, and the same long abstract text."""
    if not (left.year and left.year == right.year and left.title == right.title):
        return False
    if not fuzz.ratio(left.first_author, right.first_author, score_cutoff=config.first_author_same):
        return False  # "Okonkwo" and "Okonkow" are one person; another first author is another text
    if min(len(left.abstract), len(right.abstract)) < config.abstract_long:
        return False
    journal = journal_similarity(left.journal, right.journal)
    if journal is None or journal < config.journal_match:
        return False
    return bool(fuzz.ratio(left.abstract, right.abstract, score_cutoff=config.abstract_identical))


def title_extends(left: MatchKeys, right: MatchKeys, config: DedupConfig) -> bool:
    """One title is the other plus a subtitle ("Bird migration in Iceland: a survey ...") or
    after a section heading ("Clinical review: bird migration in Iceland"); the shorter one
    must not be generic ("Editorial: ...")."""
    short, long = sorted((left.title, right.title), key=len)
    if len(short.split()) < config.generic_title_words:
        return False
    return long.startswith(short + " ") or long.endswith(" " + short)


def merge_notes(
    left: MatchKeys, right: MatchKeys, scores: FieldScores, config: DedupConfig
) -> list[str]:
    """Which normalisation or rule let an automatic merge through, in words for the reason."""
    notes = _page_notes(left, right, scores, config)
    if left.kind != right.kind:
        notes.append("the journal record is the meeting abstract itself")
    elif left.kind is not Kind.ARTICLE:
        notes.append(f"both are {left.kind} records")
    if left.translated or right.translated:
        notes.append("a translated title")
    if scores.year is Agreement.DIFFERENT:
        notes.append("years one apart (online and print)")
    if journal_acronym(left.journal, right.journal):
        notes.append("journal named by its acronym")
    if scores.journal is None and scores.volume is Agreement.SAME:
        notes.append("a journal missing, the volume agrees")
    plain = token_sort_authors(left, right)
    if plain is not None and scores.authors is not None and plain < scores.authors:
        notes.append("names read given name first")
    return notes


def _page_notes(
    left: MatchKeys, right: MatchKeys, scores: FieldScores, config: DedupConfig
) -> list[str]:
    pages_differ = bool(
        left.first_page and right.first_page and left.first_page != right.first_page
    )
    volumes_differ = bool(left.volume and right.volume and left.volume != right.volume)
    if pages_differ and scores.page is Agreement.SAME:
        same_last = bool(left.last_page) and left.last_page == right.last_page
        return ["same last page" if same_last else "same page list in another order"]
    if (pages_differ or volumes_differ) and same_text(left, right, config):
        return ["one volume or page number mistyped: same title, first author and abstract"]
    if left.generic and scores.page is not Agreement.SAME and same_text(left, right, config):
        return ["same long abstract"]
    return []
