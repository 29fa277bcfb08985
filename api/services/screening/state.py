"""Where records stand, read from the stored stage state (never recomputed from the whole log).

The rules live in `screening/`; `api.services.screening.store` keeps the rows up to date.
"""

from __future__ import annotations

from sqlmodel import Session

from api.repositories.screening.state import RecordAtStages, StateRepository, StoredRow
from api.repositories.screening.votes import ScreeningRepository
from api.services.screening.settings import core_settings
from api.services.screening.store import refresh_rapid_plans
from api.tables import FullTextStatus, Record, Review
from screening.decisions import RecordState, RecordStatus
from screening.model import ReviewSettings, Stage
from screening.workflow import Position, Retrieval, position_of

RETRIEVAL = {
    FullTextStatus.RETRIEVED: Retrieval.RETRIEVED,
    FullTextStatus.NOT_RETRIEVED: Retrieval.NOT_RETRIEVED,
}


def review_settings(review: Review) -> ReviewSettings:
    return core_settings(review.settings)


def current(session: Session, review: Review) -> StateRepository:
    """The stored state, brought up to date first where it can lag: a rapid review's plan moves
    with records imported or merged since the last vote (a no-op outside rapid mode)."""
    refresh_rapid_plans(session, review)
    return StateRepository(session)


def positions(session: Session, review: Review) -> dict[int, Position]:
    """Where each record of the review stands across both stages."""
    assert review.id is not None
    rows = current(session, review).record_states(review.id)
    retrieval = ScreeningRepository(session).retrieval(review.id)
    return {
        ta.record_id: _position(
            ta.duplicate,
            ta.removed,
            ta,
            ft if ft.in_stage else None,
            retrieval.get(ta.record_id),
        )
        for ta, ft in rows
    }


def position_of_record(at: RecordAtStages) -> Position:
    """Where a record stands, from its rows read together (`StateRepository.record_at_stages`)."""
    full_text = at.full_text if at.full_text.in_stage else None
    return _position(at.duplicate, at.removed, at.title_abstract, full_text, at.retrieval)


def _position(
    duplicate: bool,
    removed: bool,
    title_abstract: StoredRow | None,
    full_text: StoredRow | None,
    fetched: FullTextStatus | None,
) -> Position:
    return position_of(
        is_duplicate=duplicate,
        is_removed=removed,
        title_abstract=title_abstract.state if title_abstract else RecordState.NEEDS_VOTES,
        retrieval=RETRIEVAL[fetched] if fetched else Retrieval.PENDING,
        full_text=full_text.state if full_text else None,
    )


def status_at(
    session: Session, review: Review, record: Record, stage: Stage
) -> RecordStatus | None:
    """The record's stored status at *stage*; None when it is not at that stage."""
    assert record.id is not None
    if record.duplicate_of_id is not None or record.removed is not None:
        return None
    row = current(session, review).row(record.id, stage)
    return row.status() if row is not None and row.in_stage else None
