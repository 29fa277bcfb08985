"""Screening reads around the votes: a reviewer's own current votes, and the newest resolution
row of a record (an undo included)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from api.repositories.screening.votes import to_event
from api.tables import Decision, Record, Resolution
from screening.model import DecisionEvent, Stage


@dataclass(frozen=True, slots=True)
class OwnVote:
    event: DecisionEvent
    title: str


class ScreeningViews:
    def __init__(self, session: Session) -> None:
        self.session = session

    def newest_resolution_id(self, record_id: int, stage: Stage) -> int | None:
        """The newest resolution row of a record at a stage, an undo included (the next one
        supersedes it, so the chain stays whole)."""
        statement = sa_select(func.max(col(Resolution.id))).where(
            col(Resolution.record_id) == record_id, col(Resolution.stage) == stage
        )
        return self.session.execute(statement).scalar_one_or_none()

    def own_current_votes(
        self, review_id: int, reviewer_id: int, stage: Stage, *, offset: int, limit: int
    ) -> tuple[list[OwnVote], int]:
        """A reviewer's current votes at a stage (none superseded), newest first, and how many."""
        newer = aliased(Decision)
        superseded = sa_select(col(newer.id)).where(col(newer.supersedes_id) == col(Decision.id))
        where = (
            col(Decision.review_id) == review_id,
            col(Decision.reviewer_id) == reviewer_id,
            col(Decision.stage) == stage,
            ~superseded.exists(),
        )
        total = self.session.execute(
            sa_select(func.count()).select_from(Decision).where(*where)
        ).scalar_one()
        statement = (
            sa_select(Decision, col(Record.title))
            .join(Record, col(Record.id) == col(Decision.record_id))
            .where(*where)
            .order_by(col(Decision.id).desc())
            .offset(offset)
            .limit(limit)
        )
        rows = self.session.execute(statement).all()
        return [OwnVote(to_event(decision), title) for decision, title in rows], total
