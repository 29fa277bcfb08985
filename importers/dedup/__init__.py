"""Deduplication of references: normalise, block, compare, decide, cluster (pure, no I/O)."""

from importers.dedup.cluster import Cluster, RefusedMerge, cluster, merge_order
from importers.dedup.compare import Agreement, FieldScores
from importers.dedup.config import DEFAULT, DedupConfig
from importers.dedup.decide import Decision
from importers.dedup.keys import MatchKeys, match_keys
from importers.dedup.pipeline import (
    DedupResult,
    ProgressCallback,
    ScoredPair,
    deduplicate,
    record_keys,
)

__all__ = [
    "DEFAULT",
    "Agreement",
    "Cluster",
    "Decision",
    "DedupConfig",
    "DedupResult",
    "FieldScores",
    "MatchKeys",
    "ProgressCallback",
    "RefusedMerge",
    "ScoredPair",
    "cluster",
    "deduplicate",
    "match_keys",
    "merge_order",
    "record_keys",
]
