"""Properties over random consistent reviews: no false alarms, every +1 caught, CSV round-trips."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import defusedxml.ElementTree as SafeET
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from screening.prisma.counts import check_counts, compute_prisma
from screening.prisma.csv import fill_prisma_csv, read_prisma_csv
from screening.prisma.model import (
    FullTextTally,
    NamedCount,
    PrismaInput,
    ScreeningTally,
    SourceKind,
    SourceTally,
    StudiesAndReports,
)
from screening.prisma.svg import render_prisma_svg

NAMES = st.from_regex(r"[A-Z][a-z]{1,10}( [A-Za-z]{1,8})?", fullmatch=True)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _split(draw: st.DrawFn, total: int, parts: int) -> list[int]:
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    return [b - a for a, b in itertools.pairwise([0, *cuts, total])]


def _arm(draw: st.DrawFn, available: int) -> FullTextTally:
    sought = draw(st.integers(0, available))
    not_retrieved = draw(st.integers(0, sought))
    assessed = sought - not_retrieved
    excluded = draw(st.integers(0, assessed))
    labels = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    reasons = tuple(
        NamedCount(label, n)
        for label, n in zip(labels, _split(draw, excluded, len(labels)), strict=True)
    )
    return FullTextTally(sought, not_retrieved, assessed, reasons, assessed - excluded)


def _sources(draw: st.DrawFn, kinds: list[SourceKind]) -> tuple[SourceTally, ...]:
    names = draw(st.lists(NAMES, min_size=len(kinds), max_size=len(kinds), unique=True))
    sources = []
    for name, kind in zip(names, kinds, strict=True):
        identified = draw(st.integers(0, 5000))
        duplicates = draw(st.integers(0, identified)) if kind in _DBR else 0
        sources.append(SourceTally(name, kind, identified, duplicates))
    return tuple(sources)


_DBR = (SourceKind.DATABASE, SourceKind.REGISTER)
_OTHER = (SourceKind.WEBSITE, SourceKind.ORGANISATION, SourceKind.CITATION)


@st.composite
def consistent_reviews(draw: st.DrawFn) -> PrismaInput:
    kinds = draw(st.lists(st.sampled_from(_DBR), min_size=1, max_size=5))
    other_kinds = draw(st.lists(st.sampled_from(_OTHER), max_size=3))
    sources = _sources(draw, kinds + other_kinds)
    identified = sum(s.records_identified - s.duplicates_removed for s in sources if s.kind in _DBR)
    automatic = draw(st.integers(0, identified))
    other = draw(st.integers(0, identified - automatic))
    screened = identified - automatic - other
    dbr = _arm(draw, screened - draw(st.integers(0, screened)))
    other_arm = None
    if other_kinds:
        other_arm = _arm(draw, sum(s.records_identified for s in sources if s.kind in _OTHER))
    reports = dbr.reports_included + (other_arm.reports_included if other_arm else 0)
    previous = draw(
        st.none() | st.builds(StudiesAndReports, st.integers(1, 50), st.integers(1, 80))
    )
    studies = draw(st.integers(0 if previous or reports == 0 else 1, reports))
    flow = PrismaInput(
        sources=sources,
        screening=ScreeningTally(screened, screened - dbr.reports_sought),
        databases_registers=dbr,
        included=StudiesAndReports(studies, reports),
        excluded_automatic=automatic,
        excluded_other=other,
        other_methods=other_arm,
        previous=previous,
    )
    total = studies + (previous.studies if previous else 0)
    if total and draw(st.booleans()):
        ma_reports = draw(st.integers(0, reports + (previous.reports if previous else 0)))
        flow = replace(
            flow, meta_analysis=StudiesAndReports(draw(st.integers(1, total)), ma_reports)
        )
    return flow


@SETTINGS
@given(consistent_reviews())
def test_consistent_reviews_raise_no_violation(flow: PrismaInput) -> None:
    assert compute_prisma(flow).violations == ()


@SETTINGS
@given(consistent_reviews())
def test_csv_round_trips_every_consistent_review(flow: PrismaInput) -> None:
    counts = compute_prisma(flow).counts
    assert read_prisma_csv(fill_prisma_csv(counts)) == counts.package_fields()


TIGHT_KEYS = (
    "database_results",
    "register_results",
    "duplicates",
    "excluded_automatic",
    "excluded_other",
    "records_screened",
    "records_excluded",
    "dbr_sought_reports",
    "dbr_notretrieved_reports",
    "dbr_assessed",
    "other_sought_reports",
    "other_notretrieved_reports",
    "other_assessed",
    "new_reports",
    "previous_studies",
    "previous_reports",
    "total_studies",
    "total_reports",
)


@SETTINGS
@given(consistent_reviews(), st.sampled_from(TIGHT_KEYS))
def test_one_more_in_any_linked_count_is_caught_even_from_a_csv(
    flow: PrismaInput, key: str
) -> None:
    counts = compute_prisma(flow).counts.package_fields()
    value = counts.value(key)
    assume(isinstance(value, int))  # the arm or option is in this review
    assert isinstance(value, int)
    changes: dict[str, Any] = {key: value + 1}
    assert check_counts(replace(counts, **changes)).violations != ()


@settings(max_examples=25, deadline=None)
@given(consistent_reviews())
def test_svg_of_any_consistent_review_is_well_formed_without_overlaps(flow: PrismaInput) -> None:
    root = SafeET.fromstring(render_prisma_svg(compute_prisma(flow).counts).encode("utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    rects = [
        tuple(float(rect.get(a, "nan")) for a in ("x", "y", "width", "height"))
        for group in root.iter(f"{ns}g")
        if group.get("class") == "prisma-box"
        for rect in group.iter(f"{ns}rect")
    ]
    for (ax, ay, aw, ah), (bx, by, bw, bh) in itertools.combinations(rects, 2):
        assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay
