"""Invariants of the pipeline, checked with hypothesis on generated near-duplicate references."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from importers.dedup import deduplicate
from importers.dedup.keys import normalize_doi
from importers.model import Reference

_TITLES = (
    "Remote ischaemic preconditioning in cardiac surgery",
    "Remote ischemic preconditioning in cardiac surgery.",
    "REMOTE ISCHAEMIC PRECONDITIONING IN CARDIAC SURGERY",
    "Erratum: Remote ischaemic preconditioning in cardiac surgery",
    "Statins after myocardial infarction in older adults",
    "Editorial",
    "",
)
_AUTHORS = (
    ("Hausenloy, D. J.", "Yellon, D. M."),
    ("Hausenloy D. J.", "Yellon D. M."),
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
    pages=st.sampled_from(("1408-17", "1408-1417", "")),
    doi=st.sampled_from((None, "10.1000/a", "https://doi.org/10.1000/A", "10.1000/b")),
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
        dois = {normalize_doi(refs[m].doi) for m in cluster.members} - {""}
        assert len(dois) <= 1


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
    for pair in result.maybe_pairs:
        assert kept[pair.left] != kept[pair.right]
