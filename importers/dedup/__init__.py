"""Deduplication of references: normalise, block, compare, decide, cluster (pure, no I/O)."""

from importers.dedup.cluster import Cluster, RefusedMerge, cluster, merge_order
from importers.dedup.compare import Agreement, FieldScores
from importers.dedup.config import DEFAULT, DedupConfig
from importers.dedup.decide import Decision
from importers.dedup.keys import MatchKeys, match_keys
from importers.dedup.pipeline import (
    Compared,
    DedupResult,
    ProgressCallback,
    ScoredPair,
    compare_records,
    decide_pairs,
    deduplicate,
    record_keys,
)

__all__ = [
    "DEFAULT",
    "Agreement",
    "Cluster",
    "Compared",
    "Decision",
    "DedupConfig",
    "DedupResult",
    "FieldScores",
    "MatchKeys",
    "ProgressCallback",
    "RefusedMerge",
    "ScoredPair",
    "cluster",
    "compare_records",
    "decide_pairs",
    "deduplicate",
    "match_keys",
    "merge_order",
    "record_keys",
]
