"""Ranking SQL: which stages' decisions moved, what a stage's model may learn from, the lease on
a stage's ranking, and writing the ranks into the stage rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from api.repositories.screening.state import DECISION, STAGE, STATE, StateRepository
from api.tables import ImportBatch, Resolution
from screening.decisions import RecordState
from screening.model import Stage

RESOLUTION: sa.Table = Resolution.__table__  # type: ignore[attr-defined]
IMPORT_BATCH: sa.Table = ImportBatch.__table__  # type: ignore[attr-defined]
StageKey = tuple[int, Stage]
Cursor = tuple[int, int, int]  # the newest decision, resolution and import seen
_SETTLED = frozenset(state.value for state in RecordState if state.settled)


@dataclass(frozen=True, slots=True)
class RankedStage:
    ranked_epoch: int
    ranked_labels: str


@dataclass(slots=True)
class StageRecords:
    """A stage's records by id, in import order. ``all_records``: every record that reached the
    stage, merged duplicates and removed records included (the text features are fitted on
    these, so a merge or a removal does not oblige to fit them again); ``members``: the ones
    screened; ``labels``: the settled members, included or not."""

    all_records: list[int] = field(default_factory=list)
    members: list[int] = field(default_factory=list)
    labels: dict[int, bool] = field(default_factory=dict)

    def left_out(self) -> list[int]:
        """The records that reached the stage and are not screened there (merged, removed)."""
        if len(self.members) == len(self.all_records):
            return []
        screened = set(self.members)
        return [r for r in self.all_records if r not in screened]


class RankingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _run(self, statement: Any) -> Any:
        return self.session.connection().execute(statement)

    def touched_since(self, cursor: Cursor) -> tuple[set[StageKey], set[StageKey], Cursor]:
        """Stages with decisions or resolutions newer than *cursor* (the newest ids seen), the
        stages that imports newer than it added records to, and the new cursor. Range scans of
        the primary keys: their cost follows the new rows."""
        touched: set[StageKey] = set()
        newest = []
        for table, seen in zip((DECISION, RESOLUTION), cursor[:2], strict=True):
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
        imported: set[StageKey] = set()
        top = cursor[2]
        statement = (
            sa.select(IMPORT_BATCH.c.review_id, sa.func.max(IMPORT_BATCH.c.id))
            .where(IMPORT_BATCH.c.id > cursor[2])
            .group_by(IMPORT_BATCH.c.review_id)
        )
        for review_id, last in self._run(statement).all():
            imported.add((int(review_id), Stage.TITLE_ABSTRACT))  # records arrive there
            top = max(top, int(last))
        return touched, imported, (newest[0], newest[1], top)

    def newest_import(self) -> int:
        """The id of the newest import (0: none yet): a worker's starting point for imports."""
        return int(
            self._run(sa.select(sa.func.coalesce(sa.func.max(IMPORT_BATCH.c.id), 0))).scalar()
        )

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

    def give_back_lease(self, review_id: int, stage: Stage, owner: str) -> None:
        """End *owner*'s lease on ranking the stage now (nothing if another worker holds it)."""
        self._run(
            sa.update(STAGE)
            .where(
                STAGE.c.review_id == review_id, STAGE.c.stage == stage, STAGE.c.rank_owner == owner
            )
            .values(rank_owner=None, rank_lease_until=None)
        )

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

    def stage_records(self, review_id: int, stage: Stage) -> StageRecords:
        """The stage's records (import order) and what the model may learn from: the settled
        ones (included or not). Open votes are never an input (blinding)."""
        statement = (
            sa.select(
                STATE.c.record_id,
                STATE.c.state,
                STATE.c.duplicate | STATE.c.removed,
            )
            .where(
                STATE.c.review_id == review_id,
                STATE.c.stage == stage,
                STATE.c.in_stage == sa.true(),
            )
            .order_by(STATE.c.record_id)
        )
        found = StageRecords()
        for record_id, state, left in self._run(statement).all():
            found.all_records.append(int(record_id))
            if left:
                continue
            found.members.append(int(record_id))
            if state in _SETTLED:
                found.labels[int(record_id)] = state == RecordState.INCLUDED
        return found

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
