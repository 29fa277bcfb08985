"""Deduplication of references: normalise, block, compare, decide, cluster (pure, no I/O)."""

from importers.dedup.cluster import Cluster
from importers.dedup.compare import Agreement, FieldScores
from importers.dedup.config import DEFAULT, DedupConfig
from importers.dedup.decide import Decision
from importers.dedup.pipeline import DedupResult, ProgressCallback, ScoredPair, deduplicate

__all__ = [
    "DEFAULT",
    "Agreement",
    "Cluster",
    "Decision",
    "DedupConfig",
    "DedupResult",
    "FieldScores",
    "ProgressCallback",
    "ScoredPair",
    "deduplicate",
]
