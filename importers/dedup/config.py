"""Thresholds of the deduplication pipeline, in one frozen object (no I/O, no environment)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Scores are 0-100 (rapidfuzz); one config serves every review, never tuned per data set."""

    # A pair is certain when titles agree this well and enough other fields back it up.
    title_duplicate: float = 95.0
    # Below this title score a pair is distinct unless DOI or PMID say otherwise.
    title_maybe: float = 80.0
    # A pair whose year, pages, volume or title numbers conflict is queued only above this.
    title_conflict_maybe: float = 90.0
    # With the same DOI or PMID, titles must still agree this well (errata may share a DOI).
    title_same_identifier: float = 90.0
    author_duplicate: float = 80.0
    author_maybe: float = 50.0
    abstract_duplicate: float = 90.0
    journal_match: float = 85.0
    # Titles with fewer words ("Editorial", "Reply") need a DOI or full bibliographic agreement.
    generic_title_words: int = 4
    # Blocks larger than this are skipped: they are generic keys, never one study.
    max_block_size: int = 100
    # Characters of the normalised abstract that are compared (the start says enough).
    abstract_chars: int = 400


DEFAULT = DedupConfig()
