"""Thresholds of the deduplication pipeline, in one frozen object (no I/O, no environment).

Similarity scores are 0-100 (rapidfuzz). One config serves every review: the defaults were
chosen by leave-one-set-out over the six labelled development sets (``benchmarks/dedup.py``
prints that table), never tuned per data set.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DedupConfig:
    # Titles agree this well (with enough other fields behind them) for a certain pair.
    title_duplicate: float = 97.0
    # Below this, titles disagree: no agreement of other fields merges the pair automatically.
    title_veto: float = 80.0
    # Below this title score a pair is not worth a person's look unless an identifier agrees.
    title_maybe: float = 80.0
    # Titles less alike than this have nothing in common (one DOI on unrelated items).
    title_related: float = 50.0
    # A pair whose year, pages, volume or title numbers conflict is queued only above this.
    title_conflict_maybe: float = 90.0
    # With the same DOI or PMID, titles must still agree this well (errata may share a DOI).
    title_same_identifier: float = 90.0
    # Titles this alike are the same wording (case, punctuation and a typo aside).
    title_same: float = 98.0
    # A shorter title contained in a longer one of at least this many words: a dropped subtitle,
    # scored as this (a score, fixed while the decision thresholds are chosen).
    title_contained_words: int = 8
    title_contained_score: float = 95.0
    author_duplicate: float = 80.0
    # Author lists this alike are the same people, even when other evidence is thin.
    author_same: float = 90.0
    author_maybe: float = 50.0
    abstract_duplicate: float = 90.0
    # Abstracts this alike are the same text (an identical abstract vouches for a record).
    abstract_same: float = 95.0
    # Abstracts this alike are one text, typos aside (with title, author and journal: a record).
    abstract_identical: float = 98.0
    # Long abstracts less alike than this are two texts, so two items.
    abstract_unlike: float = 60.0
    # Abstracts shorter than this many characters say too little to vouch for a record.
    abstract_long: int = 200
    journal_match: float = 85.0
    # Two journal names this different outweigh everything but the same first page.
    journal_mismatch: float = 85.0
    # First authors this alike are one person ("Okonkwo" and "Okonkow").
    first_author_same: float = 85.0
    # Titles with fewer words ("Editorial", "Reply") identify nothing by themselves.
    generic_title_words: int = 4
    # A title found at this many different places (year, volume, issue) is a recurring item.
    recurring_title_places: int = 3
    # Characters of the squeezed title that file a record by its start and by its end.
    title_key_chars: int = 32
    # Characters of the normalised abstract that file a record by its abstract.
    abstract_key_chars: int = 80
    # Blocks larger than this are skipped: they are generic keys, never one study.
    max_block_size: int = 100
    # Characters of the normalised abstract that are compared (the start says enough).
    abstract_chars: int = 400


DEFAULT = DedupConfig()
