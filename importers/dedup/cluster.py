"""Clustering of certain pairs that refuses any merge joining two conflicting records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from importers.dedup.decide import conflict
from importers.dedup.keys import MatchKeys


@dataclass(frozen=True, slots=True)
class Cluster:
    """One study's records: ``kept`` is the most complete one; ``members`` includes it, sorted."""

    kept: int
    members: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RefusedMerge:
    """A certain pair left apart because merging it would join two conflicting records."""

    left: int
    right: int
    reason: str


def _cross_conflict(records: Sequence[MatchKeys], left: list[int], right: list[int]) -> str | None:
    for a in left:
        for b in right:
            reason = conflict(records[a], records[b])
            if reason is not None:
                return reason
    return None


def cluster(
    records: Sequence[MatchKeys], edges: Sequence[tuple[int, int]]
) -> tuple[list[Cluster], list[RefusedMerge]]:
    """Merge along ``edges`` (strongest first) unless any two records of the result conflict.

    Unlike plain connected components, a chain A-B, B-C never joins A and C when A and C
    conflict (different DOIs, an erratum and its article, years apart...): the edge that
    would do it is refused and reported for a person.
    """
    owner = list(range(len(records)))
    groups: dict[int, list[int]] = {i: [i] for i in range(len(records))}
    refused: list[RefusedMerge] = []
    for left, right in edges:
        root_left, root_right = owner[left], owner[right]
        if root_left == root_right:
            continue
        reason = _cross_conflict(records, groups[root_left], groups[root_right])
        if reason is not None:
            refused.append(RefusedMerge(left, right, f"not merged: would join {reason}"))
            continue
        if len(groups[root_left]) < len(groups[root_right]):
            root_left, root_right = root_right, root_left
        for member in groups[root_right]:
            owner[member] = root_left
        groups[root_left].extend(groups.pop(root_right))
    clusters = [_make_cluster(records, members) for members in groups.values()]
    clusters.sort(key=lambda c: c.members[0])
    return clusters, refused


def _make_cluster(records: Sequence[MatchKeys], members: list[int]) -> Cluster:
    ordered = tuple(sorted(members))
    kept = max(ordered, key=lambda i: (records[i].completeness, -i))
    return Cluster(kept=kept, members=ordered)
