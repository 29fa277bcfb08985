"""The PRISMA 2020 arithmetic identities (DOMAIN.md 1.5, D1-D17), checked on any set of counts.

Returns violations as values; it never raises and never hides one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from screening.prisma.model import (
    PRISMA_DATA_KEYS,
    DerivedCounts,
    IdentityViolation,
    PrismaCounts,
    Reasons,
    Severity,
)

E = Severity.ERROR
W = Severity.WARNING


def _sum(reasons: Reasons | None) -> int:
    return sum(item.n for item in reasons or ())


def _z(value: int | None) -> int:
    return value or 0


@dataclass(frozen=True, slots=True)
class _Equal:
    rule: str
    severity: Severity
    keys: tuple[str, ...]
    actual: int | None
    expected: int | None
    formula: str

    def check(self) -> Iterator[IdentityViolation]:
        if self.actual is None or self.expected is None or self.actual == self.expected:
            return
        message = (
            f"{self.rule}: {self.keys[0]} is {self.actual:,} but {self.formula} = {self.expected:,}"
        )
        yield IdentityViolation(
            self.rule, self.severity, message, self.keys, self.expected, self.actual
        )


def derive(counts: PrismaCounts, other_duplicates: int = 0) -> DerivedCounts:
    """The sums behind the boxes (D1, D3, D7, D8, D11); event-log values win over differences."""
    dbr_excluded_total = _sum(counts.dbr_excluded)
    other_excluded_total = _sum(counts.other_excluded)
    dbr_included = counts.dbr_included_reports
    if dbr_included is None:
        dbr_included = _z(counts.dbr_assessed) - dbr_excluded_total
    other_included = counts.other_included_reports
    if other_included is None:
        other_included = _z(counts.other_assessed) - other_excluded_total
    return DerivedCounts(
        dbr_identified=_z(counts.database_results) + _z(counts.register_results),
        removed_before_screening=_z(counts.duplicates)
        + _z(counts.excluded_automatic)
        + _z(counts.excluded_other),
        dbr_excluded_total=dbr_excluded_total,
        dbr_included_reports=dbr_included,
        other_identified=_z(counts.website_results)
        + _z(counts.organisation_results)
        + _z(counts.citations_results),
        other_duplicates=other_duplicates,
        other_excluded_total=other_excluded_total,
        other_included_reports=other_included,
    )


def check_identities(
    counts: PrismaCounts, other_duplicates: int = 0
) -> tuple[DerivedCounts, tuple[IdentityViolation, ...]]:
    """Check every identity that the present (non-``None``) counts allow; return all failures."""
    derived = derive(counts, other_duplicates)
    found = [
        *_check_sources(counts),
        *_check_dbr_arm(counts, derived),
        *_check_other_arm(counts, derived),
        *_check_included(counts, derived),
        *_check_non_negative(counts, derived),
    ]
    return derived, tuple(found)


def _check_sources(c: PrismaCounts) -> Iterator[IdentityViolation]:
    for key, specific_key in (
        ("database_results", "database_specific_results"),
        ("register_results", "register_specific_results"),
    ):
        specific: Reasons | None = getattr(c, specific_key)
        total = None if specific is None else _sum(specific)
        yield from _Equal(
            "D2", W, (key, specific_key), getattr(c, key), total, f"the sum of {specific_key}"
        ).check()


def _check_dbr_arm(c: PrismaCounts, d: DerivedCounts) -> Iterator[IdentityViolation]:
    screened = None if c.records_screened is None else d.dbr_identified - d.removed_before_screening
    yield from _Equal(
        "D4",
        E,
        ("records_screened", "database_results", "register_results", "duplicates"),
        c.records_screened,
        screened,
        f"records identified {d.dbr_identified:,} - removed before screening "
        f"{d.removed_before_screening:,}",
    ).check()
    if c.records_screened is not None and c.records_excluded is not None:
        yield from _Equal(
            "D5",
            W,
            ("dbr_sought_reports", "records_screened", "records_excluded"),
            c.dbr_sought_reports,
            c.records_screened - c.records_excluded,
            "records_screened - records_excluded",
        ).check()
    yield from _retrieval(
        "D6", "dbr", c.dbr_sought_reports, c.dbr_notretrieved_reports, c.dbr_assessed
    )
    yield from _eligibility(
        "D7",
        "dbr",
        d.dbr_excluded_total,
        c.dbr_assessed,
        c.dbr_included_reports,
        "of databases/registers",
    )
    yield from _check_exclusion_split(c)


def _check_exclusion_split(c: PrismaCounts) -> Iterator[IdentityViolation]:
    if c.records_excluded_humans is not None and c.records_excluded_automation is not None:
        yield from _Equal(
            "D16",
            E,
            ("records_excluded",),
            c.records_excluded,
            c.records_excluded_humans + c.records_excluded_automation,
            "records excluded by humans + by automation tools",
        ).check()


def _retrieval(
    rule: str, arm: str, sought: int | None, not_retrieved: int | None, assessed: int | None
) -> Iterator[IdentityViolation]:
    if sought is None or not_retrieved is None:
        return
    keys = (f"{arm}_assessed", f"{arm}_sought_reports", f"{arm}_notretrieved_reports")
    formula = f"{arm}_sought_reports - {arm}_notretrieved_reports"
    yield from _Equal(rule, E, keys, assessed, sought - not_retrieved, formula).check()


def _eligibility(
    rule: str, arm: str, excluded: int, assessed: int | None, included: int | None, whose: str
) -> Iterator[IdentityViolation]:
    """Reports excluded = reports assessed - reports included, in one arm."""
    if included is None or assessed is None:
        return
    keys = (f"{arm}_excluded", f"{arm}_assessed")
    formula = f"{arm}_assessed - included reports ({included:,}) {whose}"
    yield from _Equal(rule, E, keys, excluded, assessed - included, formula).check()


def _check_other_arm(c: PrismaCounts, d: DerivedCounts) -> Iterator[IdentityViolation]:
    if c.other_sought_reports is None:
        return
    available = d.other_identified - d.other_duplicates
    if c.other_sought_reports > available:
        message = (
            f"D9: other_sought_reports is {c.other_sought_reports:,}, more than the "
            f"{available:,} records identified via other methods"
            + (f" after {d.other_duplicates:,} duplicates" if d.other_duplicates else "")
        )
        keys = ("other_sought_reports", "website_results", "organisation_results")
        yield IdentityViolation("D9", W, message, keys, available, c.other_sought_reports)
    yield from _retrieval(
        "D10", "other", c.other_sought_reports, c.other_notretrieved_reports, c.other_assessed
    )
    yield from _eligibility(
        "D11",
        "other",
        d.other_excluded_total,
        c.other_assessed,
        c.other_included_reports,
        "from other methods",
    )


def _check_included(c: PrismaCounts, d: DerivedCounts) -> Iterator[IdentityViolation]:
    arms = d.dbr_included_reports + (
        d.other_included_reports if c.other_assessed is not None else 0
    )
    yield from _Equal(
        "D12", E, ("new_reports",), c.new_reports, arms, "included reports of both arms"
    ).check()
    yield from _check_studies_vs_reports(c)
    if c.previous_studies is not None or c.previous_reports is not None:
        for what in ("studies", "reports"):
            total: int | None = getattr(c, f"total_{what}")
            new: int | None = getattr(c, f"new_{what}")
            previous = _z(getattr(c, f"previous_{what}"))
            expected = None if new is None else previous + new
            keys = (f"total_{what}", f"previous_{what}", f"new_{what}")
            formula = f"previous_{what} + new_{what}"
            yield from _Equal("D14", E, keys, total, expected, formula).check()
    yield from _check_meta_analysis(c)


def _check_studies_vs_reports(c: PrismaCounts) -> Iterator[IdentityViolation]:
    if c.new_studies is None or c.new_reports is None:
        return
    keys = ("new_studies", "new_reports")
    if c.new_studies > c.new_reports:
        message = f"D13: new_studies ({c.new_studies:,}) exceeds new_reports ({c.new_reports:,})"
        yield IdentityViolation("D13", E, message, keys, c.new_reports, c.new_studies)
    # In an updated review a new report may belong to a previous study: no new study then.
    if c.new_reports >= 1 and c.new_studies == 0 and c.previous_studies is None:
        message = f"D13: {c.new_reports:,} reports included but no study"
        yield IdentityViolation("D13", E, message, keys, 1, 0)


def _check_meta_analysis(c: PrismaCounts) -> Iterator[IdentityViolation]:
    has_previous = c.previous_studies is not None
    for what in ("studies", "reports"):
        in_ma: int | None = getattr(c, f"total_{what}_ma")
        bound_key = f"total_{what}" if has_previous else f"new_{what}"
        bound: int | None = getattr(c, bound_key)
        if in_ma is not None and bound is not None and in_ma > bound:
            message = f"D15: total_{what}_ma ({in_ma:,}) exceeds {bound_key} ({bound:,})"
            keys = (f"total_{what}_ma", bound_key)
            yield IdentityViolation("D15", E, message, keys, bound, in_ma)


def _check_non_negative(c: PrismaCounts, d: DerivedCounts) -> Iterator[IdentityViolation]:
    for key in PRISMA_DATA_KEYS:
        value = c.value(key)
        items = value if isinstance(value, tuple) else ()
        numbers = [value] if isinstance(value, int) else [item.n for item in items]
        for number in numbers:
            if number < 0:
                message = f"D17: {key} has a negative count ({number:,})"
                yield IdentityViolation("D17", E, message, (key,), 0, number)
    differences = (
        (
            "duplicates",
            "records removed before screening",
            d.dbr_identified,
            d.removed_before_screening,
        ),
        ("records_excluded", "records excluded", c.records_screened, c.records_excluded),
        (
            "dbr_notretrieved_reports",
            "reports not retrieved",
            c.dbr_sought_reports,
            c.dbr_notretrieved_reports,
        ),
        ("dbr_excluded", "reports excluded", c.dbr_assessed, d.dbr_excluded_total),
        (
            "other_notretrieved_reports",
            "reports not retrieved",
            c.other_sought_reports,
            c.other_notretrieved_reports,
        ),
        ("other_excluded", "reports excluded", c.other_assessed, d.other_excluded_total),
    )
    for key, what, whole, part in differences:
        if whole is not None and part is not None and part > whole:
            message = f"D17: {what} ({part:,}) exceed the count they are taken from ({whole:,})"
            yield IdentityViolation("D17", E, message, (key,), whole, part)
