"""Deduplication of references: normalise, block, compare, decide, cluster (pure, no I/O)."""

from importers.dedup.config import DEFAULT, DedupConfig
from importers.dedup.decide import Decision
from importers.dedup.pipeline import DedupResult, ScoredPair, deduplicate

__all__ = ["DEFAULT", "Decision", "DedupConfig", "DedupResult", "ScoredPair", "deduplicate"]
