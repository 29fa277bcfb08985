"""What each record's stored events say (final decisions, retrieval), and the PRISMA input built
from it; the counting rules themselves live in `screening.prisma`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from api.repositories.reports import RecordFact, ReportsRepository
from api.repositories.screening.state import OutcomeRow
from api.repositories.screening.votes import ScreeningRepository
from api.services.screening.state import current
from api.tables import FullTextStatus, Removal, Review
from api.tables import SourceKind as StoredKind
from screening.decisions import RecordState, RecordStatus
from screening.model import DecisionEvent
from screening.prisma.model import (
    OTHER_METHOD_KINDS,
    FullTextTally,
    NamedCount,
    PrismaInput,
    ScreeningTally,
    SourceKind,
    SourceTally,
    StudiesAndReports,
)

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
    kinds = repo.source_kinds(review.id)
    labels = repo.reason_labels(review.id)
    return [_outcome(row, kinds, labels) for row in current(session, review).outcomes(review.id)]


def _outcome(
    row: OutcomeRow, kinds: dict[int, StoredKind], labels: dict[int, str]
) -> RecordOutcome:
    fact = RecordFact(
        row.record_id, row.source_id, kinds[row.source_id], row.duplicate, row.study_id,
        row.removed,
    )  # fmt: skip
    ta = ft = reason = None
    if not row.duplicate and row.removed is None:
        ta = RecordStatus(
            row.record_id, row.title_abstract, votes_needed=row.ta_votes_needed,
            reason_id=row.ta_reason_id,
        )  # fmt: skip
        if row.full_text is not None:
            ft = RecordStatus(
                row.record_id, row.full_text, votes_needed=row.ft_votes_needed,
                reason_id=row.ft_reason_id,
            )  # fmt: skip
            if row.full_text is RecordState.EXCLUDED:
                found = labels.get(row.ft_reason_id) if row.ft_reason_id else None
                reason = found or NO_REASON
    fetched = _RETRIEVAL[row.retrieval] if row.retrieval is not None else None
    return RecordOutcome(fact, ta, fetched, ft, reason)


_RETRIEVAL = {status.value: status for status in FullTextStatus}


def review_outcomes(session: Session, review: Review) -> ReviewOutcomes:
    """`record_outcomes` and the decision log of both stages (exports list the votes)."""
    assert review.id is not None
    return ReviewOutcomes(
        record_outcomes(session, review), ScreeningRepository(session).log(review.id)
    )


def prisma_input(session: Session, review: Review) -> PrismaInput:
    """The PRISMA 2020 input, each count taken independently from the stored events. Records
    that share everything a count looks at are counted together (a review of 100,000 records
    has a few dozen such groups)."""
    assert review.id is not None
    repo = ReportsRepository(session)
    sources = repo.source_counts(review.id)
    kinds, labels = repo.source_kinds(review.id), repo.reason_labels(review.id)
    state = current(session, review)
    groups = [(_outcome(row, kinds, labels), n) for row, n in state.outcome_groups(review.id)]
    kept = [(o, n) for o, n in groups if not o.fact.is_duplicate]
    removed: Counter[str] = Counter()
    for o, n in kept:
        if o.fact.removed is not None:
            removed[o.fact.removed] += n
    outcomes = [(o, n) for o, n in kept if o.fact.removed is None]
    dbr = [(o, n) for o, n in outcomes if SourceKind(o.fact.source_kind) not in OTHER_METHOD_KINDS]
    other = [(o, n) for o, n in outcomes if SourceKind(o.fact.source_kind) in OTHER_METHOD_KINDS]
    has_other = any(SourceKind(s.kind) in OTHER_METHOD_KINDS for s in sources)
    return PrismaInput(
        sources=tuple(
            SourceTally(s.name, SourceKind(s.kind), s.records, s.duplicates) for s in sources
        ),
        screening=_screening(dbr),
        databases_registers=_full_text(dbr),
        other_methods=_full_text(other) if has_other else None,
        included=StudiesAndReports(
            studies=len(set(state.included_study_keys(review.id))),
            reports=sum(n for o, n in outcomes if o.included),
        ),
        excluded_automatic=removed[Removal.AUTOMATION],
        excluded_other=removed[Removal.OTHER],
    )


Counted = Sequence[tuple[RecordOutcome, int]]  # an outcome, and how many records share it


def _screening(records: Counted) -> ScreeningTally:
    excluded = sum(
        n
        for o, n in records
        if o.title_abstract is not None and o.title_abstract.state is RecordState.EXCLUDED
    )
    # Winnow has no automation tool that excludes during screening: every exclusion is human.
    return ScreeningTally(
        records_screened=sum(n for _o, n in records),
        records_excluded=excluded,
        excluded_by_humans=excluded,
        excluded_by_automation=0,
    )


def _full_text(records: Counted) -> FullTextTally:
    sought = [(o, n) for o, n in records if o.sought]
    assessed = [(o, n) for o, n in sought if o.full_text is not None and o.full_text.state.settled]
    reasons: Counter[str] = Counter()
    for o, n in assessed:
        if o.full_text_reason is not None:
            reasons[o.full_text_reason] += n
    not_retrieved = sum(n for o, n in sought if o.retrieval is FullTextStatus.NOT_RETRIEVED)
    return FullTextTally(
        reports_sought=sum(n for _o, n in sought),
        reports_not_retrieved=not_retrieved,
        reports_assessed=sum(n for _o, n in assessed),
        reports_excluded=tuple(
            NamedCount(label, n) for label, n in sorted(reasons.items(), key=_by_count)
        ),
        reports_included=sum(n for o, n in assessed if o.included),
    )


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])
