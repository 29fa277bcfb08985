"""Normalisation for matching: turns a Reference into comparable keys; never changes the record."""

from __future__ import annotations

import re
from dataclasses import dataclass

from importers.dedup.citation import in_supplement, issue_key, page_evidence, volume_key
from importers.dedup.config import DEFAULT, DedupConfig
from importers.dedup.generic import is_column_title
from importers.dedup.identifiers import cochrane_doi_key, doi_key, pmid_key
from importers.dedup.kind import Kind, record_kind
from importers.dedup.names import author_surnames, given_first_surnames
from importers.dedup.text import fold, is_placeholder, is_translated, normalize_title
from importers.model import Reference

_NOT_DIGIT = re.compile(r"\D+")


@dataclass(frozen=True, slots=True)
class MatchKeys:
    """The normalised fields one record is compared on; empty strings are missing evidence."""

    title: str
    title_words: int
    # The title is a translation ("[...]" in MEDLINE) or carries the original ("<ORIGINAL>").
    translated: bool
    # Too short to identify anything, or made only of words naming a journal's columns.
    generic: bool
    authors: str
    # The surnames if full names were written given name first; empty when not applicable.
    authors_given_first: str
    first_author: str
    year: int | None
    journal: str
    volume: str
    issue: str
    first_page: str
    # Last page of a printed range; empty for a single page.
    last_page: str
    # First pages of every part when the field lists several ranges; empty otherwise.
    page_starts: frozenset[str]
    # A single page written as a plain number, where journals print meeting abstracts.
    page_single: bool
    # A lone page number that may be a day of the month: it agrees, never disagrees.
    page_weak: bool
    # The volume or issue names a supplement, where meeting abstracts are printed.
    supplement: bool
    doi: str
    pmid: str
    title_digits: str
    abstract: str
    kind: Kind
    completeness: int


def _completeness(ref: Reference) -> int:
    """How complete a record is: the most complete one of a cluster is kept."""
    filled = (ref.title, ref.journal, ref.volume, ref.issue, ref.pages, ref.doi, ref.pmid)
    score = sum(2 for value in filled if value and not is_placeholder(value))
    score += 2 * bool(ref.authors) + 2 * (ref.year is not None)
    return score + 3 * bool(ref.abstract.strip()) + min(len(ref.abstract) // 500, 2)


def match_keys(ref: Reference, config: DedupConfig = DEFAULT) -> MatchKeys:
    """Every key the pipeline compares, computed once per record."""
    title = normalize_title(ref.title)
    title_words = len(title.split())
    surnames = author_surnames(ref.authors)
    abstract = (
        "" if is_placeholder(ref.abstract) else fold(ref.abstract[: config.abstract_chars * 2])
    )
    journal = "" if is_placeholder(ref.journal) else fold(ref.journal)
    pages = page_evidence(ref.pages, ref.year)
    return MatchKeys(
        title=title,
        title_words=title_words,
        translated=is_translated(ref.title),
        generic=title_words < config.generic_title_words or is_column_title(title),
        authors=" ".join(surnames),
        authors_given_first=given_first_surnames(ref.authors),
        first_author=surnames[0] if surnames else "",
        year=ref.year,
        journal=journal,
        volume=volume_key(ref.volume, year=ref.year, journal=journal),
        issue=issue_key(ref.issue, year=ref.year),
        first_page=pages.first,
        last_page=pages.last,
        page_starts=pages.starts,
        page_single=pages.single,
        page_weak=pages.weak,
        supplement=in_supplement(ref.volume, ref.issue),
        doi=doi_key(ref.doi) or cochrane_doi_key(ref.pages),
        pmid=pmid_key(ref.pmid, ref.url),
        title_digits=_NOT_DIGIT.sub("", title),
        abstract=abstract[: config.abstract_chars],
        kind=record_kind(ref.title, journal, ref.type),
        completeness=_completeness(ref),
    )
