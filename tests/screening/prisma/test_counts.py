"""PRISMA 2020 counts and identities: the DOMAIN.md 1.10 worked example and each kind of break."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from screening.prisma.counts import check_counts, compute_prisma
from screening.prisma.model import (
    PRISMA_DATA_KEYS,
    FullTextTally,
    NamedCount,
    PrismaCounts,
    PrismaInput,
    ScreeningTally,
    Severity,
    SourceKind,
    SourceTally,
    StudiesAndReports,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "prisma"


def worked_example_input() -> PrismaInput:
    """DOMAIN.md 1.10, as the event log would give it (duplicates spread over sources)."""
    sources = (
        SourceTally("MEDLINE", SourceKind.DATABASE, 1200, duplicates_removed=0),
        SourceTally("Embase", SourceKind.DATABASE, 900, duplicates_removed=350),
        SourceTally("CENTRAL", SourceKind.DATABASE, 300, duplicates_removed=200),
        SourceTally("ClinicalTrials.gov", SourceKind.REGISTER, 150, duplicates_removed=10),
        SourceTally("WHO ICTRP", SourceKind.REGISTER, 50, duplicates_removed=40),
        SourceTally("Google Scholar", SourceKind.WEBSITE, 20),
        SourceTally("WHO", SourceKind.ORGANISATION, 5),
        SourceTally("Backward citations", SourceKind.CITATION, 15),
    )
    reasons = (
        NamedCount("Wrong population", 60),
        NamedCount("Wrong intervention", 30),
        NamedCount("Wrong study design", 25),
    )
    other_reasons = (NamedCount("Wrong population", 4), NamedCount("Wrong outcome", 2))
    return PrismaInput(
        sources=sources,
        excluded_automatic=100,
        excluded_other=50,
        screening=ScreeningTally(records_screened=1850, records_excluded=1700),
        databases_registers=FullTextTally(150, 10, 140, reasons, reports_included=25),
        other_methods=FullTextTally(12, 2, 10, other_reasons, reports_included=4),
        included=StudiesAndReports(studies=22, reports=29),
        previous=StudiesAndReports(studies=15, reports=20),
        meta_analysis=StudiesAndReports(studies=30, reports=40),
    )


def _expected() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / "example_expected.json").read_text("utf-8"))
    return loaded


def _as_cell(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(f"{item['label']}, {item['n']}" for item in value)
    return str(value)


def test_worked_example_is_consistent() -> None:
    report = compute_prisma(worked_example_input())
    assert report.violations == ()
    assert report.errors == ()
    assert report.warnings == ()


def test_worked_example_counts_match_the_filled_template_values() -> None:
    data = compute_prisma(worked_example_input()).counts.as_data()
    assert {key: _as_cell(value) for key, value in data.items()} == _expected()["inputs"]


def test_worked_example_derived_sums_match_domain_numbers() -> None:
    report = compute_prisma(worked_example_input())
    checks = _expected()["derived_checks"]
    derived = report.derived
    assert derived.dbr_identified == checks["dbr_identified_total"]
    assert derived.removed_before_screening == checks["removed_before_screening_total"]
    assert derived.dbr_excluded_total == checks["dbr_excluded_sum"]
    assert derived.dbr_included_reports == checks["dbr_reports_included"]
    assert derived.other_identified == checks["other_identified_total"]
    assert derived.other_excluded_total == checks["other_excluded_sum"]
    assert derived.other_included_reports == checks["other_reports_included"]
    assert report.counts.total_studies == checks["total_studies_expected"]
    assert report.counts.total_reports == checks["total_reports_expected"]


def test_data_keys_are_exactly_the_templates_count_rows() -> None:
    with (FIXTURES / "PRISMA.csv").open(encoding="utf-8", newline="") as handle:
        names = [row["data"] for row in csv.DictReader(handle)]
    side_labels = {"NA", "identification", "screening", "included"}
    assert tuple(name for name in names if name not in side_labels) == PRISMA_DATA_KEYS


def test_duplicates_are_summed_over_database_and_register_sources_only() -> None:
    flow = worked_example_input()
    flow = replace(
        flow, sources=(*flow.sources, SourceTally("Hand search", SourceKind.CITATION, 0, 3))
    )
    report = compute_prisma(flow)
    assert report.counts.duplicates == 600
    assert report.derived.other_duplicates == 3


def test_other_method_kinds_without_sources_are_blank_not_zero() -> None:
    flow = worked_example_input()
    flow = replace(flow, sources=tuple(s for s in flow.sources if s.kind != SourceKind.WEBSITE))
    counts = compute_prisma(flow).counts
    assert counts.website_results is None
    assert counts.citations_results == 15


def _break_dbr(**changes: Any) -> PrismaInput:
    flow = worked_example_input()
    return replace(flow, databases_registers=replace(flow.databases_registers, **changes))


def _break_other(**changes: Any) -> PrismaInput:
    flow = worked_example_input()
    assert flow.other_methods is not None
    return replace(flow, other_methods=replace(flow.other_methods, **changes))


def _three_reasons(last: int) -> tuple[NamedCount, ...]:
    return (
        NamedCount("Wrong population", 60),
        NamedCount("Wrong intervention", 30),
        NamedCount("Wrong study design", last),
    )


BROKEN = {
    "screened_not_identified_minus_removed": (
        replace(worked_example_input(), screening=ScreeningTally(1851, 1701)),
        {("D4", Severity.ERROR)},
    ),
    "sought_not_screened_minus_excluded": (
        _break_dbr(reports_sought=151, reports_not_retrieved=11),
        {("D5", Severity.WARNING)},
    ),
    "assessed_not_sought_minus_not_retrieved": (
        _break_dbr(reports_not_retrieved=11),
        {("D6", Severity.ERROR)},
    ),
    "reasons_do_not_add_up": (
        _break_dbr(reports_excluded=_three_reasons(24)),
        {("D7", Severity.ERROR)},
    ),
    "other_sought_exceeds_identified": (
        _break_other(reports_sought=41, reports_not_retrieved=31),
        {("D9", Severity.WARNING)},
    ),
    "other_assessed_not_sought_minus_not_retrieved": (
        _break_other(reports_not_retrieved=3),
        {("D10", Severity.ERROR)},
    ),
    "other_reasons_do_not_add_up": (
        _break_other(reports_excluded=(NamedCount("Wrong population", 5),)),
        {("D11", Severity.ERROR)},
    ),
    "new_reports_not_both_arms": (
        replace(worked_example_input(), included=StudiesAndReports(22, 30)),
        {("D12", Severity.ERROR)},
    ),
    "more_studies_than_reports": (
        replace(worked_example_input(), included=StudiesAndReports(30, 29)),
        {("D13", Severity.ERROR)},
    ),
    "meta_analysis_exceeds_total": (
        replace(worked_example_input(), meta_analysis=StudiesAndReports(38, 40)),
        {("D15", Severity.ERROR)},
    ),
    "human_and_automation_split_wrong": (
        replace(worked_example_input(), screening=ScreeningTally(1850, 1700, 1600, 50)),
        {("D16", Severity.ERROR)},
    ),
    "more_excluded_than_screened": (
        replace(worked_example_input(), screening=ScreeningTally(1850, 1900)),
        {("D5", Severity.WARNING), ("D17", Severity.ERROR)},
    ),
    "other_sources_without_other_arm": (
        replace(worked_example_input(), other_methods=None, included=StudiesAndReports(22, 25)),
        {("D8", Severity.ERROR)},
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_inconsistency_is_reported_with_its_rule(name: str) -> None:
    flow, expected = BROKEN[name]
    report = compute_prisma(flow)
    assert {(v.rule, v.severity) for v in report.violations} == expected
    assert all(v.message.startswith(v.rule + ":") for v in report.violations)


def test_violation_message_names_the_numbers() -> None:
    flow = replace(worked_example_input(), screening=ScreeningTally(1851, 1701))
    (violation,) = compute_prisma(flow).violations
    assert violation.expected == 1850
    assert violation.actual == 1851
    assert "2,600" in violation.message
    assert "750" in violation.message
    assert violation.keys[0] == "records_screened"


def test_negative_count_is_reported() -> None:
    flow = replace(worked_example_input(), excluded_other=-50)
    rules = {v.rule for v in compute_prisma(flow).errors}
    assert rules == {"D4", "D17"}


def test_new_review_with_reports_but_no_study_is_an_error() -> None:
    flow = replace(worked_example_input(), previous=None, meta_analysis=None)
    flow = replace(flow, included=StudiesAndReports(0, 29))
    assert [v.rule for v in compute_prisma(flow).violations] == ["D13"]


def test_updated_review_report_of_a_previous_study_adds_no_study() -> None:
    flow = replace(worked_example_input(), included=StudiesAndReports(0, 29), meta_analysis=None)
    report = compute_prisma(flow)
    assert report.violations == ()
    assert (report.counts.total_studies, report.counts.total_reports) == (15, 49)


def test_new_review_has_no_totals_and_meta_analysis_is_bounded_by_new_studies() -> None:
    flow = replace(worked_example_input(), previous=None)
    report = compute_prisma(flow)
    assert report.counts.total_studies is None
    assert [v.rule for v in report.violations] == ["D15", "D15"]


def _example_counts(**changes: Any) -> PrismaCounts:
    return replace(compute_prisma(worked_example_input()).counts, **changes)


def test_check_counts_reports_wrong_totals_and_per_source_sums() -> None:
    counts = _example_counts(
        total_studies=38,
        database_results=2401,
        dbr_included_reports=None,
        other_included_reports=None,
    )
    report = check_counts(counts)
    assert {(v.rule, v.severity) for v in report.violations} == {
        ("D2", Severity.WARNING),
        ("D4", Severity.ERROR),
        ("D14", Severity.ERROR),
    }


def test_check_counts_without_arm_split_checks_new_reports_against_both_arms() -> None:
    counts = _example_counts(
        new_reports=28, dbr_included_reports=None, other_included_reports=None, total_reports=48
    )
    assert [v.rule for v in check_counts(counts).violations] == ["D12"]


def test_blank_counts_skip_their_identities() -> None:
    assert check_counts(PrismaCounts()).violations == ()


def test_as_data_lists_reasons_and_uses_template_order() -> None:
    data = compute_prisma(worked_example_input()).counts.as_data()
    assert list(data) == list(PRISMA_DATA_KEYS)
    assert data["other_excluded"] == [
        {"label": "Wrong population", "n": 4},
        {"label": "Wrong outcome", "n": 2},
    ]
    with pytest.raises(KeyError):
        compute_prisma(worked_example_input()).counts.value("dbr_included_reports")


def test_duplicates_per_source_and_report_json() -> None:
    report = compute_prisma(worked_example_input())
    by_source = report.counts.duplicates_by_source or ()
    assert sum(item.n for item in by_source) == report.counts.duplicates
    assert [item.label for item in by_source] == [
        "Embase",
        "CENTRAL",
        "ClinicalTrials.gov",
        "WHO ICTRP",
    ]
    payload = report.as_json()
    assert json.loads(json.dumps(payload)) == payload
    assert payload["counts"]["records_screened"] == 1850
    assert payload["derived"]["dbr_identified"] == 2600
    assert payload["violations"] == []
    assert report.counts.package_fields().duplicates_by_source is None


def test_report_json_lists_violations_with_rule_and_message() -> None:
    flow = replace(worked_example_input(), screening=ScreeningTally(1851, 1701))
    (violation,) = compute_prisma(flow).as_json()["violations"]
    assert violation["rule"] == "D4"
    assert violation["severity"] == "error"
    assert "records_screened" in violation["message"]
