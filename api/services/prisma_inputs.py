"""What each record's stored events say (final decisions, retrieval), and the PRISMA input built
from it; the counting rules themselves live in `screening.prisma`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from api.repositories.reports import RecordFact, ReportsRepository
from api.repositories.screening import ScreeningRepository
from api.services.screening_state import current
from api.tables import FullTextStatus, Removal, Review
from screening.decisions import RecordState, RecordStatus
from screening.model import DecisionEvent
from screening.prisma import (
    FullTextTally,
    NamedCount,
    PrismaInput,
    ScreeningTally,
    SourceKind,
    SourceTally,
    StudiesAndReports,
)
from screening.prisma_model import OTHER_METHOD_KINDS

NO_REASON = "Reason not recorded"


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """One record's final state at each stage (None: the record never reached that stage)."""

    fact: RecordFact
    title_abstract: RecordStatus | None
    retrieval: FullTextStatus | None
    full_text: RecordStatus | None
    full_text_reason: str | None

    @property
    def included(self) -> bool:
        return self.full_text is not None and self.full_text.state is RecordState.INCLUDED

    @property
    def excluded(self) -> bool:
        """Excluded at either stage (final decisions only)."""
        ta_out = (
            self.title_abstract is not None and self.title_abstract.state is RecordState.EXCLUDED
        )
        ft_out = self.full_text is not None and self.full_text.state is RecordState.EXCLUDED
        return ta_out or ft_out

    @property
    def sought(self) -> bool:
        return self.title_abstract is not None and self.title_abstract.state is RecordState.INCLUDED

    @property
    def study_key(self) -> int:
        """The study a report belongs to; an unlinked report is a study of its own."""
        return self.fact.study_id if self.fact.study_id is not None else -self.fact.record_id


@dataclass(frozen=True, slots=True)
class ReviewOutcomes:
    """Every record's outcome, and the decision log of both stages they were derived from."""

    records: list[RecordOutcome]
    log: list[DecisionEvent]


def record_outcomes(session: Session, review: Review) -> list[RecordOutcome]:
    """Every record of the review with its final (settled or pending) state at each stage, read
    from the stored stage state (statuses carry the state, need and reason, not the voters)."""
    assert review.id is not None
    repo = ReportsRepository(session)
    rows = {
        record_id: (ta, ft)
        for record_id, duplicate, removed, ta, ft in current(session, review).record_states(
            review.id
        )
        if not duplicate and not removed
    }
    retrieval = ScreeningRepository(session).retrieval(review.id)
    labels = repo.reason_labels(review.id)
    outcomes = []
    for fact in repo.record_facts(review.id):
        ta_row, ft_row = rows.get(fact.record_id, (None, None))
        ta = ta_row.status() if ta_row is not None else None
        ft = ft_row.status() if ft_row is not None else None
        reason = None
        if ft is not None and ft.state is RecordState.EXCLUDED:
            reason = labels.get(ft.reason_id, NO_REASON) if ft.reason_id else NO_REASON
        outcomes.append(RecordOutcome(fact, ta, retrieval.get(fact.record_id), ft, reason))
    return outcomes


def review_outcomes(session: Session, review: Review) -> ReviewOutcomes:
    """`record_outcomes` and the decision log of both stages (exports list the votes)."""
    assert review.id is not None
    return ReviewOutcomes(
        record_outcomes(session, review), ScreeningRepository(session).log(review.id)
    )


def prisma_input(session: Session, review: Review) -> PrismaInput:
    """The PRISMA 2020 input, each count taken independently from the stored events."""
    assert review.id is not None
    sources = ReportsRepository(session).source_counts(review.id)
    kept = [o for o in record_outcomes(session, review) if not o.fact.is_duplicate]
    removed = Counter(o.fact.removed for o in kept if o.fact.removed is not None)
    outcomes = [o for o in kept if o.fact.removed is None]
    dbr = [o for o in outcomes if SourceKind(o.fact.source_kind) not in OTHER_METHOD_KINDS]
    other = [o for o in outcomes if SourceKind(o.fact.source_kind) in OTHER_METHOD_KINDS]
    has_other = any(SourceKind(s.kind) in OTHER_METHOD_KINDS for s in sources)
    included = [o for o in outcomes if o.included]
    return PrismaInput(
        sources=tuple(
            SourceTally(s.name, SourceKind(s.kind), s.records, s.duplicates) for s in sources
        ),
        screening=_screening(dbr),
        databases_registers=_full_text(dbr),
        other_methods=_full_text(other) if has_other else None,
        included=StudiesAndReports(
            studies=len({o.study_key for o in included}), reports=len(included)
        ),
        excluded_automatic=removed[Removal.AUTOMATION],
        excluded_other=removed[Removal.OTHER],
    )


def _screening(records: Sequence[RecordOutcome]) -> ScreeningTally:
    excluded = sum(
        1
        for o in records
        if o.title_abstract is not None and o.title_abstract.state is RecordState.EXCLUDED
    )
    # Winnow has no automation tool that excludes during screening: every exclusion is human.
    return ScreeningTally(
        records_screened=len(records),
        records_excluded=excluded,
        excluded_by_humans=excluded,
        excluded_by_automation=0,
    )


def _full_text(records: Iterable[RecordOutcome]) -> FullTextTally:
    sought = [o for o in records if o.sought]
    assessed = [o for o in sought if o.full_text is not None and o.full_text.state.settled]
    reasons = Counter(o.full_text_reason for o in assessed if o.full_text_reason is not None)
    return FullTextTally(
        reports_sought=len(sought),
        reports_not_retrieved=sum(1 for o in sought if o.retrieval is FullTextStatus.NOT_RETRIEVED),
        reports_assessed=len(assessed),
        reports_excluded=tuple(
            NamedCount(label, n) for label, n in sorted(reasons.items(), key=_by_count)
        ),
        reports_included=sum(1 for o in assessed if o.included),
    )


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])
