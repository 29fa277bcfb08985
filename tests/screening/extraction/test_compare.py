"""Dual extraction and verification: comparison, consensus, states, who may do what."""

from __future__ import annotations

from typing import Any

import pytest

from screening.extraction.compare import (
    Entry,
    EntryKind,
    ExtractionConflict,
    ExtractionMode,
    StudyState,
    check_can_extract,
    check_can_verify,
    compare_values,
    consensus_values,
    current_entries,
    study_extraction,
)
from screening.extraction.forms import InvalidValues, parse_form

FORM = parse_form(
    [
        {"key": "design", "label": "Design", "type": "choice", "options": ["RCT", "Cohort"]},
        {"key": "n", "label": "Sample size", "type": "integer"},
        {"key": "setting", "label": "Setting", "type": "text"},
        {
            "key": "arms",
            "label": "Arms",
            "type": "group",
            "fields": [{"key": "name", "label": "Arm", "type": "text"}],
        },
    ]
)
DUAL = ExtractionMode.DUAL
SINGLE = ExtractionMode.SINGLE_WITH_VERIFICATION
E, V, C = EntryKind.EXTRACTION, EntryKind.VERIFICATION, EntryKind.CONSENSUS


def entry(seq: int, person: int, kind: EntryKind = E, **values: Any) -> Entry:
    return Entry(seq, person, kind, values)


def test_comparison_names_each_differing_field_and_ignores_case_and_spacing() -> None:
    first = {"design": "RCT", "n": 100, "setting": "Primary  care", "arms": [{"name": "A"}]}
    second = {"design": "Cohort", "n": 100.0, "setting": "primary care", "arms": []}
    differences = compare_values(FORM, first, second)
    assert [(d.path, d.first, d.second) for d in differences] == [
        ("design", "RCT", "Cohort"),
        ("arms[0]", {"name": "A"}, None),
    ]
    assert [d.key for d in differences] == ["design", "arms"]


def test_group_items_compare_field_by_field() -> None:
    first = {"arms": [{"name": "Exercise"}, {"name": "Usual care"}]}
    second = {"arms": [{"name": "exercise"}, {"name": "Waiting list"}]}
    [difference] = compare_values(FORM, first, second)
    assert (difference.path, difference.label, difference.key) == ("arms[1].name", "Arm", "arms")


def test_a_number_is_not_a_boolean() -> None:
    form = parse_form([{"key": "x", "label": "X", "type": "number"}])
    assert compare_values(form, {"x": 1}, {"x": True})


def test_dual_states_follow_the_two_extractions() -> None:
    assert study_extraction(DUAL, FORM, []).state is StudyState.NOT_STARTED
    one = [entry(1, 10, design="RCT")]
    assert study_extraction(DUAL, FORM, one).state is StudyState.NEEDS_SECOND
    agreed = study_extraction(DUAL, FORM, [*one, entry(2, 11, design="RCT")])
    assert (agreed.state, agreed.final, agreed.extractors) == (
        StudyState.AGREED,
        {"design": "RCT"},
        (10, 11),
    )
    assert agreed.state.final
    conflict = study_extraction(DUAL, FORM, [*one, entry(2, 11, design="Cohort")])
    assert conflict.state is StudyState.CONFLICT
    assert not conflict.state.final
    assert [d.path for d in conflict.differences] == ["design"]


def test_a_revised_extraction_replaces_the_persons_earlier_one() -> None:
    entries = [
        entry(1, 10, design="RCT"),
        entry(2, 11, design="Cohort"),
        entry(3, 10, design="Cohort"),
    ]
    assert [e.seq for e in current_entries(entries)] == [2, 3]
    assert study_extraction(DUAL, FORM, entries).state is StudyState.AGREED


def test_consensus_keeps_agreed_fields_and_needs_every_disputed_one() -> None:
    first = {"design": "RCT", "n": 100, "arms": [{"name": "A"}]}
    second = {"design": "Cohort", "n": 100, "arms": [{"name": "B"}]}
    with pytest.raises(InvalidValues) as error:
        consensus_values(FORM, first, second, {"design": "RCT"})
    assert "values.arms: the extractors disagree" in str(error.value)
    agreed = consensus_values(FORM, first, second, {"design": "RCT", "arms": [{"name": "A+B"}]})
    assert agreed == {"design": "RCT", "n": 100, "arms": [{"name": "A+B"}]}
    with pytest.raises(InvalidValues, match=r"values\.n: integer field"):
        consensus_values(FORM, first, second, {"design": "RCT", "arms": [], "n": "lots"})


def test_consensus_is_final_and_closes_the_study() -> None:
    entries = [
        entry(1, 10, design="RCT"),
        entry(2, 11, design="Cohort"),
        entry(3, 99, C, design="RCT"),
    ]
    status = study_extraction(DUAL, FORM, entries)
    assert (status.state, status.final) == (StudyState.CONSENSUS, {"design": "RCT"})
    with pytest.raises(ExtractionConflict, match="consensus"):
        check_can_extract(DUAL, FORM, entries, 10)


def test_dual_mode_takes_two_extractors_only() -> None:
    entries = [entry(1, 10), entry(2, 11)]
    check_can_extract(DUAL, FORM, entries, 10)  # revising one's own is fine
    with pytest.raises(ExtractionConflict, match="two people have already extracted"):
        check_can_extract(DUAL, FORM, entries, 12)


def test_single_mode_a_second_person_verifies_and_the_extractor_cannot() -> None:
    entries = [entry(1, 10, design="RCT")]
    assert study_extraction(SINGLE, FORM, entries).state is StudyState.AWAITING_VERIFICATION
    with pytest.raises(ExtractionConflict, match="verify it instead"):
        check_can_extract(SINGLE, FORM, entries, 11)
    with pytest.raises(ExtractionConflict, match="cannot verify their own"):
        check_can_verify(SINGLE, FORM, entries, 10)
    assert check_can_verify(SINGLE, FORM, entries, 11).seq == 1
    verified = study_extraction(SINGLE, FORM, [*entries, entry(2, 11, V, design="Cohort")])
    assert (verified.state, verified.final, verified.verifier_id, verified.final_seq) == (
        StudyState.VERIFIED,
        {"design": "Cohort"},
        11,
        2,
    )


def test_a_revised_extraction_needs_verifying_again() -> None:
    entries = [entry(1, 10, design="RCT"), entry(2, 11, V, design="RCT"), entry(3, 10, n=5)]
    assert study_extraction(SINGLE, FORM, entries).state is StudyState.AWAITING_VERIFICATION


def test_verification_needs_an_extraction_and_the_right_mode() -> None:
    with pytest.raises(ExtractionConflict, match="nobody has extracted"):
        check_can_verify(SINGLE, FORM, [], 11)
    with pytest.raises(ExtractionConflict, match="dual mode"):
        check_can_verify(DUAL, FORM, [entry(1, 10)], 11)
