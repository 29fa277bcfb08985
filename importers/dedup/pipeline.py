"""One entry point: references in, clusters, scored pairs and the review queue out (pure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from importers.dedup.block import candidate_pairs
from importers.dedup.cluster import Cluster, cluster
from importers.dedup.compare import FieldScores, compare, prefix_score, title_scores
from importers.dedup.config import DEFAULT, DedupConfig
from importers.dedup.decide import Decision, decide
from importers.dedup.keys import MatchKeys, match_keys
from importers.model import Reference

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``on_progress(stage, done, total)``; stages: ``keys``, ``pairs``, ``clusters``."""

_PROGRESS_EVERY = 5000


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """A compared pair of input positions (``left < right``) with its decision and why."""

    left: int
    right: int
    decision: Decision
    reason: str
    scores: FieldScores


@dataclass(frozen=True, slots=True)
class DedupResult:
    """Every record is in exactly one cluster; ``maybe_pairs`` is the queue for people."""

    clusters: tuple[Cluster, ...]
    pairs: tuple[ScoredPair, ...]
    maybe_pairs: tuple[ScoredPair, ...]

    def kept_index(self) -> list[int]:
        """For each input position, the position of the record kept for its cluster."""
        kept = [0] * sum(len(c.members) for c in self.clusters)
        for group in self.clusters:
            for member in group.members:
                kept[member] = group.kept
        return kept


def _notify(on_progress: ProgressCallback | None, stage: str, done: int, total: int) -> None:
    if on_progress is not None:
        on_progress(stage, done, total)


def _keys(
    refs: Sequence[Reference], config: DedupConfig, on_progress: ProgressCallback | None
) -> list[MatchKeys]:
    keys = []
    for index, ref in enumerate(refs):
        keys.append(match_keys(ref, abstract_chars=config.abstract_chars))
        if index % _PROGRESS_EVERY == 0:
            _notify(on_progress, "keys", index, len(refs))
    _notify(on_progress, "keys", len(refs), len(refs))
    return keys


def _score_pairs(
    keys: Sequence[MatchKeys], config: DedupConfig, on_progress: ProgressCallback | None
) -> list[ScoredPair]:
    pairs = candidate_pairs(keys, max_block_size=config.max_block_size)
    titles = title_scores(keys, pairs, score_cutoff=config.title_maybe / 2)
    scored = []
    for done, (left, right) in enumerate(pairs):
        both_titled = bool(keys[left].title and keys[right].title)
        title = None
        if both_titled:
            title = titles.get((left, right)) or prefix_score(keys[left].title, keys[right].title)
        scores = compare(keys[left], keys[right], title=title)
        verdict = decide(keys[left], keys[right], scores, config)
        scored.append(ScoredPair(left, right, verdict.decision, verdict.reason, scores))
        if done % _PROGRESS_EVERY == 0:
            _notify(on_progress, "pairs", done, len(pairs))
    _notify(on_progress, "pairs", len(pairs), len(pairs))
    return scored


def _strength(pair: ScoredPair) -> tuple[float, float, int, int]:
    scores = pair.scores
    return (-(scores.title or 0.0), -(scores.authors or 0.0), pair.left, pair.right)


def deduplicate(
    refs: Sequence[Reference],
    *,
    config: DedupConfig = DEFAULT,
    on_progress: ProgressCallback | None = None,
) -> DedupResult:
    """Find duplicate references; only certain pairs are merged, uncertain ones are queued."""
    keys = _keys(refs, config, on_progress)
    scored = _score_pairs(keys, config, on_progress)
    certain = sorted((p for p in scored if p.decision is Decision.DUPLICATE), key=_strength)
    clusters, refused = cluster(keys, [(p.left, p.right) for p in certain])
    refused_reason = {(r.left, r.right): r.reason for r in refused}
    final: list[ScoredPair] = []
    for pair in scored:
        reason = refused_reason.get((pair.left, pair.right))
        if reason is not None:
            pair = ScoredPair(
                pair.left, pair.right, Decision.MAYBE, f"{reason}; {pair.reason}", pair.scores
            )
        final.append(pair)
    owner = {m: c.kept for c in clusters for m in c.members}
    maybe = tuple(
        p for p in final if p.decision is Decision.MAYBE and owner[p.left] != owner[p.right]
    )
    _notify(on_progress, "clusters", len(refs), len(refs))
    return DedupResult(clusters=tuple(clusters), pairs=tuple(final), maybe_pairs=maybe)
