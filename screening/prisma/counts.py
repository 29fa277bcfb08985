"""PRISMA 2020 counts, keyed by the PRISMA2020 package's ``data`` names, from the review's events.

``compute_prisma`` maps a ``PrismaInput`` to counts and checks every identity of DOMAIN.md 1.5.
"""

from __future__ import annotations

from typing import Any

from screening.prisma.checks import check_identities
from screening.prisma.model import (
    OTHER_METHOD_KINDS,
    FullTextTally,
    IdentityViolation,
    NamedCount,
    PrismaCounts,
    PrismaInput,
    PrismaReport,
    Severity,
    SourceKind,
    SourceTally,
)


def compute_prisma(flow: PrismaInput) -> PrismaReport:
    """Counts for the diagram and CSV, plus every identity violation (empty when consistent)."""
    counts = build_counts(flow)
    other_duplicates = sum(
        s.duplicates_removed for s in flow.sources if s.kind in OTHER_METHOD_KINDS
    )
    derived, violations = check_identities(counts, other_duplicates)
    return PrismaReport(counts, derived, (*_wiring_violations(flow), *violations))


def check_counts(counts: PrismaCounts) -> PrismaReport:
    """Check counts that did not come from the event log (e.g. read from a PRISMA2020 CSV)."""
    derived, violations = check_identities(counts)
    return PrismaReport(counts, derived, violations)


def build_counts(flow: PrismaInput) -> PrismaCounts:
    """Map the tallies onto the PRISMA2020 fields; nothing is checked here."""
    dbr = flow.databases_registers
    previous = flow.previous
    meta = flow.meta_analysis
    duplicates = sum(s.duplicates_removed for s in flow.sources if s.kind not in OTHER_METHOD_KINDS)
    return PrismaCounts(
        previous_studies=None if previous is None else previous.studies,
        previous_reports=None if previous is None else previous.reports,
        database_results=_sum_kind(flow.sources, SourceKind.DATABASE, default=0),
        database_specific_results=_per_source(flow.sources, SourceKind.DATABASE),
        register_results=_sum_kind(flow.sources, SourceKind.REGISTER, default=0),
        register_specific_results=_per_source(flow.sources, SourceKind.REGISTER),
        website_results=_sum_kind(flow.sources, SourceKind.WEBSITE),
        organisation_results=_sum_kind(flow.sources, SourceKind.ORGANISATION),
        citations_results=_sum_kind(flow.sources, SourceKind.CITATION),
        duplicates=duplicates,
        excluded_automatic=flow.excluded_automatic,
        excluded_other=flow.excluded_other,
        records_screened=flow.screening.records_screened,
        records_excluded=flow.screening.records_excluded,
        dbr_sought_reports=dbr.reports_sought,
        dbr_notretrieved_reports=dbr.reports_not_retrieved,
        dbr_assessed=dbr.reports_assessed,
        dbr_excluded=dbr.reports_excluded,
        **_other_arm(flow.other_methods),
        new_studies=flow.included.studies,
        new_reports=flow.included.reports,
        total_studies=None if previous is None else previous.studies + flow.included.studies,
        total_reports=None if previous is None else previous.reports + flow.included.reports,
        total_studies_ma=None if meta is None else meta.studies,
        total_reports_ma=None if meta is None else meta.reports,
        dbr_included_reports=dbr.reports_included,
        records_excluded_humans=flow.screening.excluded_by_humans,
        records_excluded_automation=flow.screening.excluded_by_automation,
        duplicates_by_source=_duplicates_by_source(flow.sources),
    )


def _other_arm(other: FullTextTally | None) -> dict[str, Any]:
    if other is None:
        return {}
    return {
        "other_sought_reports": other.reports_sought,
        "other_notretrieved_reports": other.reports_not_retrieved,
        "other_assessed": other.reports_assessed,
        "other_excluded": other.reports_excluded,
        "other_included_reports": other.reports_included,
    }


def _duplicates_by_source(sources: tuple[SourceTally, ...]) -> tuple[NamedCount, ...] | None:
    named = tuple(
        NamedCount(s.name, s.duplicates_removed)
        for s in sources
        if s.kind not in OTHER_METHOD_KINDS and s.duplicates_removed
    )
    return named or None


def _sum_kind(
    sources: tuple[SourceTally, ...], kind: SourceKind, default: int | None = None
) -> int | None:
    """Records identified by all sources of one kind; ``default`` when the review has none."""
    matching = [s.records_identified for s in sources if s.kind is kind]
    return sum(matching) if matching else default


def _per_source(
    sources: tuple[SourceTally, ...], kind: SourceKind
) -> tuple[NamedCount, ...] | None:
    named = tuple(NamedCount(s.name, s.records_identified) for s in sources if s.kind is kind)
    return named or None


def _wiring_violations(flow: PrismaInput) -> tuple[IdentityViolation, ...]:
    """Records found via other methods need that arm's full-text tally, or they vanish (D8)."""
    other_records = sum(s.records_identified for s in flow.sources if s.kind in OTHER_METHOD_KINDS)
    if flow.other_methods is not None or other_records == 0:
        return ()
    message = (
        f"D8: {other_records:,} records were identified via other methods but the input has no "
        "other-methods retrieval/eligibility tally"
    )
    keys = ("other_sought_reports", "website_results", "organisation_results", "citations_results")
    return (IdentityViolation("D8", Severity.ERROR, message, keys, None, other_records),)
