"""The one clustering of the CLI and the service: machine merges, people's merges, kept apart."""

from __future__ import annotations

from importers.dedup import Cluster, cluster, match_keys
from tests.importers.dedup.builders import make_reference

# Copies 0-1 carry one DOI, copies 2-3 another: two publications for the rules.
KEYS = [
    match_keys(make_reference()),
    match_keys(make_reference(doi=None)),
    match_keys(make_reference(doi="10.5555/other")),
    match_keys(make_reference(doi=None, pages="1311")),
]


def _members(clusters: list[Cluster]) -> set[tuple[int, ...]]:
    return {c.members for c in clusters}


def test_machine_merges_never_join_conflicting_records() -> None:
    clusters, refused = cluster(KEYS, [(0, 1), (1, 2), (2, 3)])
    assert _members(clusters) == {(0, 1), (2, 3)}
    assert [(r.left, r.right, r.by_person) for r in refused] == [(1, 2, False)]
    assert refused[0].reason == "not merged: would join different DOIs"


def test_a_persons_merge_joins_two_clusters_whole_whatever_the_rules_say() -> None:
    clusters, refused = cluster(KEYS, [(0, 1), (2, 3)], confirmed=[(1, 3)])
    assert _members(clusters) == {(0, 1, 2, 3)}
    assert refused == []


def test_records_a_person_kept_apart_are_never_joined_again() -> None:
    clusters, refused = cluster(KEYS, [(0, 1), (1, 3)], apart=[(0, 3)])
    assert _members(clusters) == {(0, 1), (2,), (3,)}
    assert refused[0].kept_apart == (0, 3)
    clusters, refused = cluster(KEYS, [(0, 1)], confirmed=[(1, 3)], apart=[(0, 3)])
    assert (refused[0].by_person, refused[0].kept_apart) == (True, (0, 3))
    assert _members(clusters) == {(0, 1), (2,), (3,)}


def test_the_most_complete_record_is_kept() -> None:
    clusters, _ = cluster(KEYS, [(0, 1)])
    assert clusters[0].kept == 0
