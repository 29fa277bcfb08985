"""Invariants of the pipeline, checked with hypothesis on generated near-duplicate references."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from importers.dedup import DEFAULT, deduplicate
from importers.dedup.conflict import titles_disagree
from importers.dedup.identifiers import doi_key
from importers.model import Reference

_TITLES = (
    "Cold-water immersion after exercise in recreational runners",
    "Cold water immersion after exercise in recreational runners.",
    "COLD-WATER IMMERSION AFTER EXERCISE IN RECREATIONAL RUNNERS",
    "Erratum: Cold-water immersion after exercise in recreational runners",
    "Hamstring strength and sprint speed in youth football players",
    "Editorial",
    "",
)
_AUTHORS = (
    ("Halvorsen, K. T.", "Mbeki, A."),
    ("Halvorsen K. T.", "Mbeki A."),
    ("Smith, A.",),
    (),
)

references = st.builds(
    Reference,
    title=st.sampled_from(_TITLES),
    authors=st.sampled_from(_AUTHORS),
    year=st.sampled_from((2014, 2015, None)),
    journal=st.sampled_from(("Lancet", "The Lancet", "")),
    volume=st.sampled_from(("385", "386", "")),
    pages=st.sampled_from(("1408-17", "1408-1417", "Jun", "")),
    doi=st.sampled_from(
        (None, "10.5555/a", "https://doi.org/10.5555/A", "10.5555/b", "10.1002/central/CN-1")
    ),
)
reference_lists = st.lists(references, max_size=14)


@settings(max_examples=150, deadline=None)
@given(reference_lists)
def test_every_record_is_in_exactly_one_cluster(refs: list[Reference]) -> None:
    members = [m for c in deduplicate(refs).clusters for m in c.members]
    assert sorted(members) == list(range(len(refs)))


@settings(max_examples=150, deadline=None)
@given(reference_lists)
def test_two_different_dois_are_never_merged_automatically(refs: list[Reference]) -> None:
    for cluster in deduplicate(refs).clusters:
        dois = {doi_key(refs[m].doi) for m in cluster.members} - {""}
        assert len(dois) <= 1


@settings(max_examples=150, deadline=None)
@given(reference_lists)
def test_titles_that_disagree_are_never_merged_automatically(refs: list[Reference]) -> None:
    result = deduplicate(refs)
    for cluster in result.clusters:
        for a in cluster.members:
            for b in cluster.members:
                assert not titles_disagree(result.keys[a], result.keys[b], DEFAULT)


@settings(max_examples=100, deadline=None)
@given(reference_lists)
def test_the_result_is_deterministic(refs: list[Reference]) -> None:
    assert deduplicate(refs) == deduplicate(list(refs))


@settings(max_examples=100, deadline=None)
@given(reference_lists)
def test_kept_record_is_a_member_and_queued_pairs_span_clusters(refs: list[Reference]) -> None:
    result = deduplicate(refs)
    kept = result.kept_index()
    for cluster in result.clusters:
        assert cluster.kept in cluster.members
    asked = set()
    for pair in result.maybe_pairs:
        assert kept[pair.left] != kept[pair.right]
        clusters = frozenset((kept[pair.left], kept[pair.right]))
        assert clusters not in asked  # one question per two clusters
        asked.add(clusters)
