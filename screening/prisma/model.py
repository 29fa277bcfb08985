"""PRISMA 2020 value types: what the event log says, and counts keyed by PRISMA2020 names.

Pure data; the arithmetic lives in ``counts`` and ``checks``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from typing import Any


class SourceKind(StrEnum):
    """Where records came from; the first two feed the databases-and-registers arm."""

    DATABASE = "database"
    REGISTER = "register"
    WEBSITE = "website"
    ORGANISATION = "organisation"
    CITATION = "citation"


OTHER_METHOD_KINDS = frozenset({SourceKind.WEBSITE, SourceKind.ORGANISATION, SourceKind.CITATION})


class Severity(StrEnum):
    """E: the identity is definitional; W: it legitimately fails in some reviews (DOMAIN.md 1.5)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class NamedCount:
    """A label with a count: an exclusion reason, or one database/register's records."""

    label: str
    n: int


@dataclass(frozen=True, slots=True)
class SourceTally:
    """One searched source: records imported from it and how many of those were duplicates."""

    name: str
    kind: SourceKind
    records_identified: int
    duplicates_removed: int = 0


@dataclass(frozen=True, slots=True)
class ScreeningTally:
    """Title/abstract screening of the databases-and-registers records (final decisions).

    ``excluded_by_automation`` / ``excluded_by_humans`` are the optional footnote-** split.
    """

    records_screened: int
    records_excluded: int
    excluded_by_humans: int | None = None
    excluded_by_automation: int | None = None


@dataclass(frozen=True, slots=True)
class FullTextTally:
    """Retrieval and eligibility of one arm's reports; one primary reason per excluded report."""

    reports_sought: int
    reports_not_retrieved: int
    reports_assessed: int
    reports_excluded: tuple[NamedCount, ...]
    reports_included: int


@dataclass(frozen=True, slots=True)
class StudiesAndReports:
    """A pair of study and report counts (included, previous review, meta-analysis)."""

    studies: int
    reports: int


@dataclass(frozen=True, slots=True)
class PrismaInput:
    """Everything the review's stored events say, each count taken independently from the log.

    ``other_methods`` is the full-text tally of reports found via websites, organisations and
    citation searching; ``previous`` is set for an updated review; ``meta_analysis`` is optional.
    """

    sources: tuple[SourceTally, ...]
    screening: ScreeningTally
    databases_registers: FullTextTally
    included: StudiesAndReports
    excluded_automatic: int = 0
    excluded_other: int = 0
    other_methods: FullTextTally | None = None
    previous: StudiesAndReports | None = None
    meta_analysis: StudiesAndReports | None = None


Reasons = tuple[NamedCount, ...]
DataValue = int | Reasons | None


@dataclass(frozen=True, slots=True)
class PrismaCounts:
    """The PRISMA2020 ``data`` fields (exact names); ``None`` means blank/not applicable.

    The last five fields are not package fields: they carry what the event log knows beyond the
    template (per-arm included reports, the human/automation split of records excluded, and
    duplicates removed per database/register).
    """

    previous_studies: int | None = None
    previous_reports: int | None = None
    database_results: int | None = None
    database_specific_results: Reasons | None = None
    register_results: int | None = None
    register_specific_results: Reasons | None = None
    website_results: int | None = None
    organisation_results: int | None = None
    citations_results: int | None = None
    duplicates: int | None = None
    excluded_automatic: int | None = None
    excluded_other: int | None = None
    records_screened: int | None = None
    records_excluded: int | None = None
    dbr_sought_reports: int | None = None
    dbr_notretrieved_reports: int | None = None
    other_sought_reports: int | None = None
    other_notretrieved_reports: int | None = None
    dbr_assessed: int | None = None
    dbr_excluded: Reasons | None = None
    other_assessed: int | None = None
    other_excluded: Reasons | None = None
    new_studies: int | None = None
    new_reports: int | None = None
    total_studies: int | None = None
    total_reports: int | None = None
    total_studies_ma: int | None = None
    total_reports_ma: int | None = None
    dbr_included_reports: int | None = None
    other_included_reports: int | None = None
    records_excluded_humans: int | None = None
    records_excluded_automation: int | None = None
    duplicates_by_source: Reasons | None = None

    def value(self, key: str) -> DataValue:
        """The value of one PRISMA2020 ``data`` key."""
        if key not in PRISMA_DATA_KEYS:
            raise KeyError(key)
        value: DataValue = getattr(self, key)
        return value

    def package_fields(self) -> PrismaCounts:
        """These counts without the non-package extras (what a PRISMA2020 CSV can hold)."""
        return replace(self, **dict.fromkeys(_EXTRA_FIELDS))

    def as_data(self) -> dict[str, int | list[dict[str, str | int]] | None]:
        """JSON-ready mapping keyed by the PRISMA2020 ``data`` names, in template order."""
        result: dict[str, int | list[dict[str, str | int]] | None] = {}
        for key in PRISMA_DATA_KEYS:
            value = self.value(key)
            if isinstance(value, tuple):
                result[key] = [{"label": item.label, "n": item.n} for item in value]
            else:
                result[key] = value
        return result


_EXTRA_FIELDS = (
    "dbr_included_reports",
    "other_included_reports",
    "records_excluded_humans",
    "records_excluded_automation",
    "duplicates_by_source",
)
PRISMA_DATA_KEYS: tuple[str, ...] = tuple(
    f.name for f in fields(PrismaCounts) if f.name not in _EXTRA_FIELDS
)
REASON_KEYS = frozenset(
    {"database_specific_results", "register_specific_results", "dbr_excluded", "other_excluded"}
)


@dataclass(frozen=True, slots=True)
class IdentityViolation:
    """One arithmetic identity (DOMAIN.md 1.5, rule D1-D17) that the counts break."""

    rule: str
    severity: Severity
    message: str
    keys: tuple[str, ...]
    expected: int | None = None
    actual: int | None = None


@dataclass(frozen=True, slots=True)
class DerivedCounts:
    """Intermediate sums the identities use (not PRISMA2020 fields)."""

    dbr_identified: int
    removed_before_screening: int
    dbr_excluded_total: int
    dbr_included_reports: int
    other_identified: int
    other_duplicates: int
    other_excluded_total: int
    other_included_reports: int


@dataclass(frozen=True, slots=True)
class PrismaReport:
    """Counts, the sums behind them, and every identity violation found (empty when consistent)."""

    counts: PrismaCounts
    derived: DerivedCounts
    violations: tuple[IdentityViolation, ...]

    @property
    def errors(self) -> tuple[IdentityViolation, ...]:
        return tuple(v for v in self.violations if v.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[IdentityViolation, ...]:
        return tuple(v for v in self.violations if v.severity is Severity.WARNING)

    def as_json(self) -> dict[str, Any]:
        """``{"counts": {data key: value}, "derived": {...}, "violations": [...]}``."""
        by_source = self.counts.duplicates_by_source or ()
        return {
            "counts": self.counts.as_data(),
            "duplicates_by_source": [{"label": s.label, "n": s.n} for s in by_source],
            "derived": asdict(self.derived),
            "violations": [asdict(v) for v in self.violations],
        }
