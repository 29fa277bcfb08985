"""One entry point: references in, clusters, scored pairs and the review queue out (pure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from importers.dedup.block import candidate_pairs
from importers.dedup.cluster import Cluster, cluster, merge_order
from importers.dedup.compare import FieldScores, compare, title_scores
from importers.dedup.config import DEFAULT, DedupConfig
from importers.dedup.decide import Decision, decide
from importers.dedup.generic import recurring_titles
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
    """Every record is in exactly one cluster; ``maybe_pairs`` is the queue for people, one
    pair (the most alike) per two clusters."""

    clusters: tuple[Cluster, ...]
    pairs: tuple[ScoredPair, ...]
    maybe_pairs: tuple[ScoredPair, ...]
    # The keys every record was compared on, by input position (clustering reuses them).
    keys: tuple[MatchKeys, ...]

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


def record_keys(
    refs: Sequence[Reference],
    config: DedupConfig = DEFAULT,
    on_progress: ProgressCallback | None = None,
) -> list[MatchKeys]:
    """The keys of every record; a title printed at many places of the set is generic."""
    keys = []
    for index, ref in enumerate(refs):
        keys.append(match_keys(ref, config))
        if index % _PROGRESS_EVERY == 0:
            _notify(on_progress, "keys", index, len(refs))
    recurring = recurring_titles(
        [k.title for k in keys],
        [(k.year, k.volume) for k in keys],
        min_places=config.recurring_title_places,
    )
    if recurring:
        keys = [
            replace(k, generic=True) if k.title in recurring and not k.generic else k for k in keys
        ]
    _notify(on_progress, "keys", len(refs), len(refs))
    return keys


@dataclass(frozen=True, slots=True)
class Compared:
    """Every record's keys and every candidate pair's field scores: what deciding needs."""

    keys: tuple[MatchKeys, ...]
    pairs: tuple[tuple[int, int], ...]
    scores: tuple[FieldScores, ...]


def compare_records(
    refs: Sequence[Reference],
    config: DedupConfig = DEFAULT,
    on_progress: ProgressCallback | None = None,
) -> Compared:
    """Normalise, block and score every candidate pair (no decision yet)."""
    keys = record_keys(refs, config, on_progress)
    pairs = candidate_pairs(keys, config)
    titles = title_scores(keys, pairs, config)
    scores = []
    for done, (left, right) in enumerate(pairs):
        scores.append(compare(keys[left], keys[right], title=titles.get((left, right))))
        if done % _PROGRESS_EVERY == 0:
            _notify(on_progress, "pairs", done, len(pairs))
    _notify(on_progress, "pairs", len(pairs), len(pairs))
    return Compared(tuple(keys), tuple(pairs), tuple(scores))


def _order(pair: ScoredPair) -> tuple[float, float, int, int]:
    return merge_order(pair.scores.title, pair.scores.authors, pair.left, pair.right)


def decide_pairs(compared: Compared, config: DedupConfig = DEFAULT) -> DedupResult:
    """Decide every compared pair, merge the certain ones and queue the uncertain ones."""
    keys = compared.keys
    scored = []
    for (left, right), scores in zip(compared.pairs, compared.scores, strict=True):
        verdict = decide(keys[left], keys[right], scores, config)
        scored.append(ScoredPair(left, right, verdict.decision, verdict.reason, scores))
    certain = sorted((p for p in scored if p.decision is Decision.DUPLICATE), key=_order)
    clusters, refused = cluster(keys, [(p.left, p.right) for p in certain], config)
    refused_reason = {(r.left, r.right): r.reason for r in refused}
    final: list[ScoredPair] = []
    for pair in scored:
        reason = refused_reason.get((pair.left, pair.right))
        if reason is not None:
            pair = replace(pair, decision=Decision.MAYBE, reason=f"{reason}; {pair.reason}")
        final.append(pair)
    return DedupResult(
        clusters=tuple(clusters),
        pairs=tuple(final),
        maybe_pairs=one_per_cluster_pair(final, clusters),
        keys=keys,
    )


def deduplicate(
    refs: Sequence[Reference],
    *,
    config: DedupConfig = DEFAULT,
    on_progress: ProgressCallback | None = None,
) -> DedupResult:
    """Find duplicate references; only certain pairs are merged, uncertain ones are queued."""
    result = decide_pairs(compare_records(refs, config, on_progress), config)
    _notify(on_progress, "clusters", len(refs), len(refs))
    return result


def one_per_cluster_pair(
    pairs: Sequence[ScoredPair], clusters: Sequence[Cluster]
) -> tuple[ScoredPair, ...]:
    """The queue: one maybe pair per two clusters, the most alike (a person answers for the
    clusters, not for every pair of their records); pairs inside one cluster are settled."""
    owner = {m: c.kept for c in clusters for m in c.members}
    best: dict[tuple[int, int], ScoredPair] = {}
    for pair in sorted((p for p in pairs if p.decision is Decision.MAYBE), key=_order):
        a, b = owner[pair.left], owner[pair.right]
        if a != b:
            best.setdefault((min(a, b), max(a, b)), pair)
    return tuple(sorted(best.values(), key=lambda p: (p.left, p.right)))
