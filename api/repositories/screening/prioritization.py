"""Ranking SQL: which stages' decisions moved, what a stage's model may learn from, the lease on
a stage's ranking, and writing the ranks into the stage rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from api.repositories.screening.state import DECISION, STAGE, STATE, StateRepository
from api.tables import Resolution
from screening.decisions import RecordState
from screening.model import Stage

RESOLUTION: sa.Table = Resolution.__table__  # type: ignore[attr-defined]
StageKey = tuple[int, Stage]


@dataclass(frozen=True, slots=True)
class RankedStage:
    ranked_epoch: int
    ranked_labels: str


class RankingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _run(self, statement: Any) -> Any:
        return self.session.connection().execute(statement)

    def touched_since(self, cursor: tuple[int, int]) -> tuple[set[StageKey], tuple[int, int]]:
        """Stages with decisions or resolutions newer than *cursor* (the newest ids seen), and
        the new cursor. A range scan of the primary keys: its cost follows the new events."""
        touched: set[StageKey] = set()
        newest = []
        for table, seen in zip((DECISION, RESOLUTION), cursor, strict=True):
            statement = (
                sa.select(table.c.review_id, table.c.stage, sa.func.max(table.c.id))
                .where(table.c.id > seen)
                .group_by(table.c.review_id, table.c.stage)
            )
            top = seen
            for review_id, stage, last in self._run(statement).all():
                touched.add((int(review_id), Stage(stage)))
                top = max(top, int(last))
            newest.append(top)
        return touched, (newest[0], newest[1])

    def take_lease(
        self, review_id: int, stage: Stage, owner: str, now: datetime, lease: timedelta
    ) -> bool:
        """Hold (or keep holding) the right to rank this stage until now + *lease*, unless
        another worker holds a lease that has not expired."""
        dialect = self.session.connection().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        self._run(insert(STAGE).values(review_id=review_id, stage=stage).on_conflict_do_nothing())
        taken = self._run(
            sa.update(STAGE)
            .where(
                STAGE.c.review_id == review_id,
                STAGE.c.stage == stage,
                sa.or_(
                    STAGE.c.rank_owner.is_(None),
                    STAGE.c.rank_owner == owner,
                    STAGE.c.rank_lease_until < now,
                ),
            )
            .values(rank_owner=owner, rank_lease_until=now + lease)
        )
        return bool(taken.rowcount)

    def lease_until(self, review_id: int, stage: Stage) -> datetime | None:
        """When the current lease on ranking the stage ends (None: nobody holds one)."""
        until: datetime | None = self._run(
            sa.select(STAGE.c.rank_lease_until).where(
                STAGE.c.review_id == review_id, STAGE.c.stage == stage
            )
        ).scalar()
        return until

    def stage(self, review_id: int, stage: Stage) -> RankedStage:
        row = self._run(
            sa.select(STAGE.c.ranked_epoch, STAGE.c.ranked_labels).where(
                STAGE.c.review_id == review_id, STAGE.c.stage == stage
            )
        ).one()
        return RankedStage(int(row[0]), str(row[1]))

    def members_and_labels(self, review_id: int, stage: Stage) -> tuple[list[int], dict[int, bool]]:
        """The records at the stage (import order) and what the model may learn from: the
        settled ones (included or not). Open votes are never an input (blinding)."""
        statement = (
            sa.select(STATE.c.record_id, STATE.c.state)
            .where(
                STATE.c.review_id == review_id,
                STATE.c.stage == stage,
                STATE.c.in_stage == sa.true(),
                STATE.c.duplicate == sa.false(),
                STATE.c.removed == sa.false(),
            )
            .order_by(STATE.c.record_id)
        )
        members, labels = [], {}
        for record_id, state in self._run(statement).all():
            members.append(int(record_id))
            if RecordState(state).settled:
                labels[int(record_id)] = state == RecordState.INCLUDED
        return members, labels

    def write_priorities(self, stage: Stage, priorities: dict[int, int]) -> None:
        StateRepository(self.session).set_priorities(stage, priorities)

    def ranked(
        self, review_id: int, stage: Stage, owner: str, epoch: int, labels: str, now: datetime
    ) -> None:
        self._run(
            sa.update(STAGE)
            .where(
                STAGE.c.review_id == review_id, STAGE.c.stage == stage, STAGE.c.rank_owner == owner
            )
            .values(ranked_epoch=epoch, ranked_labels=labels, ranked_at=now)
        )
