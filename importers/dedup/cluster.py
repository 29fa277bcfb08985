"""Clustering that keeps apart what must stay apart; the one used by the CLI and the service.

Machine merges are joined strongest first and refused when the result would hold two records
that conflict (different DOIs, an erratum and its article, titles that disagree, ...). People's
merges join two clusters whole: a person may merge anything. Pairs a person kept apart are
never joined again, not even through a third record.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from importers.dedup.config import DEFAULT, DedupConfig
from importers.dedup.conflict import conflict
from importers.dedup.keys import MatchKeys


@dataclass(frozen=True, slots=True)
class Cluster:
    """One study's records: ``kept`` is the most complete one; ``members`` includes it, sorted."""

    kept: int
    members: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RefusedMerge:
    """A merge left undone, and why: it would join records that conflict, or that a person
    kept apart (``by_person``: the merge was a person's own)."""

    left: int
    right: int
    reason: str
    by_person: bool = False
    # The two records a person kept apart that this merge would have joined.
    kept_apart: tuple[int, int] | None = None


def merge_order(
    title: float | None, authors: float | None, left: int, right: int
) -> tuple[float, float, int, int]:
    """Strongest machine merges first: titles, then authors, then positions (deterministic)."""
    return (-(title or 0.0), -(authors or 0.0), left, right)


class _Groups:
    def __init__(self, records: Sequence[MatchKeys], apart: Collection[tuple[int, int]]) -> None:
        self.records = records
        self.owner = list(range(len(records)))
        self.members: dict[int, list[int]] = {i: [i] for i in range(len(records))}
        self.apart: dict[int, set[int]] = {}
        for a, b in apart:
            self.apart.setdefault(a, set()).add(b)
            self.apart.setdefault(b, set()).add(a)

    def kept_apart(self, root_left: int, root_right: int) -> tuple[int, int] | None:
        small, large = sorted((root_left, root_right), key=lambda r: len(self.members[r]))
        for member in sorted(self.members[small]):
            for partner in sorted(self.apart.get(member, ())):
                if self.owner[partner] == large:
                    first, second = sorted((member, partner))
                    return first, second
        return None

    def conflicting(self, root_left: int, root_right: int, config: DedupConfig) -> str | None:
        for a in self.members[root_left]:
            for b in self.members[root_right]:
                reason = conflict(self.records[a], self.records[b], config)
                if reason is not None:
                    return reason
        return None

    def join(self, root_left: int, root_right: int) -> None:
        if len(self.members[root_left]) < len(self.members[root_right]):
            root_left, root_right = root_right, root_left
        for member in self.members[root_right]:
            self.owner[member] = root_left
        self.members[root_left].extend(self.members.pop(root_right))


def cluster(
    records: Sequence[MatchKeys],
    merges: Sequence[tuple[int, int]],
    config: DedupConfig = DEFAULT,
    *,
    confirmed: Sequence[tuple[int, int]] = (),
    apart: Collection[tuple[int, int]] = (),
) -> tuple[list[Cluster], list[RefusedMerge]]:
    """Join machine *merges* (in :func:`merge_order`), then people's *confirmed* merges.

    Unlike plain connected components, a chain A-B, B-C never joins A and C when A and C
    conflict: the merge that would do it is refused and reported for a person. People's merges
    come after the machine's, so a person's answer about two clusters joins them as they were
    shown; it is refused only when it would join two records a person kept *apart*.
    """
    groups = _Groups(records, apart)
    refused: list[RefusedMerge] = []
    for by_person, pairs in ((False, merges), (True, confirmed)):
        for left, right in pairs:
            root_left, root_right = groups.owner[left], groups.owner[right]
            if root_left == root_right:
                continue
            apart_pair = groups.kept_apart(root_left, root_right)
            if apart_pair is not None:
                reason = "not merged: would join records a person kept apart"
                refused.append(RefusedMerge(left, right, reason, by_person, apart_pair))
                continue
            blocker = None if by_person else groups.conflicting(root_left, root_right, config)
            if blocker is not None:
                refused.append(RefusedMerge(left, right, f"not merged: would join {blocker}"))
                continue
            groups.join(root_left, root_right)
    clusters = [_make_cluster(records, members) for members in groups.members.values()]
    clusters.sort(key=lambda c: c.members[0])
    return clusters, refused


def _make_cluster(records: Sequence[MatchKeys], members: list[int]) -> Cluster:
    ordered = tuple(sorted(members))
    kept = max(ordered, key=lambda i: (records[i].completeness, -i))
    return Cluster(kept=kept, members=ordered)
