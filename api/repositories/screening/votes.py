"""Screening SQL: records at a stage, the decision log, resolutions, reasons, claims, full texts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, case, func
from sqlalchemy import insert as sa_insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from api.permissions import Role
from api.tables import (
    Decision,
    ExclusionReason,
    FullText,
    FullTextStatus,
    Membership,
    Record,
    Resolution,
    Review,
    StageEvent,
    User,
)
from screening.model import DecisionEvent, Stage, Vote
from screening.model import Resolution as CoreResolution

RAPID_SWITCH = "rapid_switch"
_EVENT_COLUMNS = (
    col(Decision.id),
    col(Decision.record_id),
    col(Decision.reviewer_id),
    col(Decision.stage),
    col(Decision.vote),
    col(Decision.created_at),
    col(Decision.reason_id),
    col(Decision.note),
    col(Decision.supersedes_id),
)


@dataclass(frozen=True, slots=True)
class CardFields:
    """What a screener sees of a record."""

    id: int
    title: str
    abstract: str
    authors: list[str]
    year: int | None
    journal: str
    doi: str | None
    pmid: str | None
    keywords: list[str]


@dataclass(frozen=True, slots=True)
class RecordText:
    id: int
    title: str
    abstract: str
    keywords: tuple[str, ...]
    journal: str


def to_event(row: Decision) -> DecisionEvent:
    assert row.id is not None
    return DecisionEvent(
        seq=row.id,
        record_id=row.record_id,
        reviewer_id=row.reviewer_id,
        stage=Stage(row.stage),
        vote=row.vote,
        at=row.created_at,
        reason_id=row.reason_id,
        note=row.note,
        supersedes=row.supersedes_id,
    )


def to_resolution(row: Resolution) -> CoreResolution:
    assert row.id is not None
    return CoreResolution(
        seq=row.id,
        record_id=row.record_id,
        stage=Stage(row.stage),
        vote=row.vote,
        resolver_id=row.resolver_id,
        reason=row.reason,
        at=row.created_at,
        reason_id=row.reason_id,
        withdrawn=row.withdrawn,
    )


class ScreeningRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def review(self, review_id: int) -> Review | None:
        return self.session.get(Review, review_id)

    def record(self, review_id: int, record_id: int) -> Record | None:
        record = self.session.get(Record, record_id)
        return record if record is not None and record.review_id == review_id else None

    def card(self, review_id: int, record_id: int) -> CardFields | None:
        """The fields of a record a screener sees (its import text and the rest stay unread)."""
        found = self.session.connection().execute(_CARD, {"rid": review_id, "record_id": record_id})
        row = found.first()
        return CardFields(*row) if row is not None else None

    def titles(self, review_id: int, record_ids: Sequence[int]) -> dict[int, str]:
        statement = sa_select(_RECORD.c.id, _RECORD.c.title).where(
            _RECORD.c.review_id == review_id, _RECORD.c.id.in_(list(record_ids))
        )
        return {int(i): t or "" for i, t in self.session.connection().execute(statement).all()}

    def records(self, review_id: int, record_ids: Sequence[int]) -> dict[int, Record]:
        statement = select(Record).where(
            Record.review_id == review_id, col(Record.id).in_(list(record_ids))
        )
        return {r.id: r for r in self.session.exec(statement).all() if r.id is not None}

    def record_ids(self, review_id: int) -> tuple[list[int], set[int], set[int]]:
        """Every record id in default order (import order), the duplicates among them, and the
        records removed before screening."""
        statement = (
            sa_select(col(Record.id), col(Record.duplicate_of_id), col(Record.removed))
            .where(col(Record.review_id) == review_id)
            .order_by(col(Record.id))
        )
        rows = self.session.connection().execute(statement).all()
        ids = [int(r[0]) for r in rows if r[0] is not None]
        duplicates = {int(r[0]) for r in rows if r[0] is not None and r[1] is not None}
        removed = {int(r[0]) for r in rows if r[0] is not None and r[2] is not None}
        return ids, duplicates, removed

    def texts(self, review_id: int, record_ids: Sequence[int]) -> list[RecordText]:
        statement = (
            sa_select(
                col(Record.id),
                col(Record.title),
                col(Record.abstract),
                col(Record.keywords),
                col(Record.journal),
            )
            .where(col(Record.review_id) == review_id)
            .order_by(col(Record.id))
        )
        wanted = set(record_ids)
        return [
            RecordText(int(i), t or "", a or "", tuple(k or ()), j or "")
            for i, t, a, k, j in self.session.execute(statement).all()
            if i in wanted
        ]

    def log(
        self,
        review_id: int,
        stage: Stage | None = None,
        record_ids: Sequence[int] | None = None,
    ) -> list[DecisionEvent]:
        """The decision events (oldest first), read as plain columns: fast for whole stages."""
        statement = sa_select(*_EVENT_COLUMNS).where(col(Decision.review_id) == review_id)
        if stage is not None:
            statement = statement.where(col(Decision.stage) == stage)
        if record_ids is not None:
            statement = statement.where(col(Decision.record_id).in_(list(record_ids)))
        # Core, not ORM, execution: a whole stage's log is thousands of rows.
        return _events(self.session.connection().execute(statement.order_by(col(Decision.id))))

    def voted_records(self, review_id: int, record_ids: Sequence[int]) -> set[int]:
        """Those of *record_ids* with a vote at any stage."""
        statement = (
            sa_select(col(Decision.record_id))
            .where(
                col(Decision.review_id) == review_id, col(Decision.record_id).in_(list(record_ids))
            )
            .distinct()
        )
        return {int(r[0]) for r in self.session.connection().execute(statement).all()}

    def record_log(self, record_id: int, stage: Stage) -> list[DecisionEvent]:
        parameters = {"record_id": record_id, "stage": stage}
        return _events(self.session.connection().execute(_RECORD_LOG, parameters).all())

    def insert_decision(self, review_id: int, event: DecisionEvent) -> int:
        """Append a vote to the log; returns its id (the event's seq)."""
        found = (
            self.session.connection()
            .execute(
                _INSERT_DECISION,
                {
                    "v_review": review_id,
                    "v_record": event.record_id,
                    "v_reviewer": event.reviewer_id,
                    "v_stage": event.stage,
                    "v_vote": event.vote,
                    "v_reason": event.reason_id,
                    "v_note": event.note,
                    "v_supersedes": event.supersedes,
                    "v_at": event.at,
                },
            )
            .scalar_one()
        )
        return int(found)

    def voted_by(self, review_id: int, stage: Stage, reviewer_id: int) -> list[int]:
        """Records the reviewer voted on at a stage."""
        statement = sa_select(col(Decision.record_id)).where(
            col(Decision.review_id) == review_id,
            col(Decision.stage) == stage,
            col(Decision.reviewer_id) == reviewer_id,
            col(Decision.supersedes_id).is_(None),
        )
        return sorted(int(r[0]) for r in self.session.connection().execute(statement).all())

    def voter_count(self, review_id: int, stage: Stage) -> int:
        statement = sa_select(func.count(func.distinct(col(Decision.reviewer_id)))).where(
            col(Decision.review_id) == review_id, col(Decision.stage) == stage
        )
        return int(self.session.connection().execute(statement).scalar_one())

    def count_resolutions(self, review_id: int, stage: Stage) -> int:
        """Resolutions that stand: each undo (a withdrawn row) takes one back."""
        standing = func.coalesce(func.sum(case((col(Resolution.withdrawn), -1), else_=1)), 0)
        statement = sa_select(standing).where(
            col(Resolution.review_id) == review_id, col(Resolution.stage) == stage
        )
        return int(self.session.connection().execute(statement).scalar_one())

    def decision_rows(
        self, review_id: int, *, record_ids: Sequence[int] | None = None
    ) -> Sequence[Decision]:
        """The review's votes (on *record_ids*, if given) in the order cast."""
        statement = select(Decision).where(Decision.review_id == review_id)
        if record_ids is not None:
            statement = statement.where(col(Decision.record_id).in_(list(record_ids)))
        return self.session.exec(statement.order_by(col(Decision.id))).all()

    def vote_records(self, review_id: int, *, after: int, limit: int) -> list[tuple[int, int]]:
        """(vote id, record id) of the *limit* votes cast after the vote *after*."""
        statement = (
            select(col(Decision.id), col(Decision.record_id))
            .where(Decision.review_id == review_id, col(Decision.id) > after)
            .order_by(col(Decision.id))
            .limit(limit)
        )
        return [
            (int(vote or 0), int(record)) for vote, record in self.session.exec(statement).all()
        ]

    def resolutions(
        self, review_id: int, record_id: int | None = None, record_ids: Sequence[int] | None = None
    ) -> list[CoreResolution]:
        statement = select(Resolution).where(Resolution.review_id == review_id)
        if record_id is not None:
            statement = statement.where(Resolution.record_id == record_id)
        if record_ids is not None:
            statement = statement.where(col(Resolution.record_id).in_(list(record_ids)))
        return [to_resolution(r) for r in self.session.exec(statement.order_by(col(Resolution.id)))]

    def screeners(self, review_id: int) -> set[int]:
        """Current members who may vote (leads and reviewers)."""
        statement = select(Membership.user_id).where(
            Membership.review_id == review_id,
            col(Membership.role).in_([Role.LEAD, Role.REVIEWER]),
        )
        return set(self.session.exec(statement).all())

    def emails(self, user_ids: set[int]) -> dict[int, str]:
        statement = select(User.id, User.email).where(col(User.id).in_(list(user_ids)))
        return {int(i): e for i, e in self.session.exec(statement).all() if i is not None}

    def members_with_role(self, review_id: int, role: Role) -> set[int]:
        statement = select(Membership.user_id).where(
            Membership.review_id == review_id, Membership.role == role
        )
        return set(self.session.exec(statement).all())

    def reasons(self, review_id: int, stage: Stage | None = None) -> Sequence[ExclusionReason]:
        statement = select(ExclusionReason).where(ExclusionReason.review_id == review_id)
        if stage is not None:
            statement = statement.where(ExclusionReason.stage == stage)
        order = (col(ExclusionReason.stage), col(ExclusionReason.position), col(ExclusionReason.id))
        return self.session.exec(statement.order_by(*order)).all()

    def retrieval(self, review_id: int) -> dict[int, FullTextStatus]:
        statement = select(FullText.record_id, FullText.status).where(
            FullText.review_id == review_id
        )
        return {int(r): FullTextStatus(s) for r, s in self.session.exec(statement).all()}

    def retrieval_of_records(self, record_ids: Sequence[int]) -> dict[int, FullTextStatus]:
        statement = select(FullText.record_id, FullText.status).where(
            col(FullText.record_id).in_(list(record_ids))
        )
        return {int(r): FullTextStatus(s) for r, s in self.session.exec(statement).all()}

    def retrieval_of(self, record_id: int) -> FullTextStatus | None:
        statement = select(FullText.status).where(FullText.record_id == record_id)
        found = self.session.exec(statement).first()
        return FullTextStatus(found) if found is not None else None

    def recorded_switch(self, review_id: int, stage: Stage) -> StageEvent | None:
        statement = (
            select(StageEvent)
            .where(
                StageEvent.review_id == review_id,
                StageEvent.stage == stage,
                StageEvent.kind == RAPID_SWITCH,
            )
            .order_by(col(StageEvent.id))
        )
        return self.session.exec(statement).first()

    def add(self, obj: object) -> None:
        self.session.add(obj)
        self.session.flush()


_DECISION: Table = Decision.__table__  # type: ignore[attr-defined]
_RECORD: Table = Record.__table__  # type: ignore[attr-defined]
_CARD = sa_select(*[_RECORD.c[name] for name in CardFields.__slots__]).where(
    _RECORD.c.id == bindparam("record_id"), _RECORD.c.review_id == bindparam("rid")
)
_RECORD_LOG = (
    sa_select(*_EVENT_COLUMNS)
    .where(
        _DECISION.c.record_id == bindparam("record_id"),
        _DECISION.c.stage == bindparam("stage", type_=_DECISION.c.stage.type),
    )
    .order_by(_DECISION.c.id)
)
_INSERT_DECISION = (
    sa_insert(_DECISION)
    .values(
        review_id=bindparam("v_review"),
        record_id=bindparam("v_record"),
        reviewer_id=bindparam("v_reviewer"),
        stage=bindparam("v_stage", type_=_DECISION.c.stage.type),
        vote=bindparam("v_vote", type_=_DECISION.c.vote.type),
        reason_id=bindparam("v_reason"),
        note=bindparam("v_note"),
        supersedes_id=bindparam("v_supersedes"),
        created_at=bindparam("v_at", type_=_DECISION.c.created_at.type),
    )
    .returning(_DECISION.c.id)
)


def _events(rows: Any) -> list[DecisionEvent]:
    return [
        DecisionEvent(
            seq=seq or 0,  # never NULL: the primary key
            record_id=record_id,
            reviewer_id=reviewer_id,
            stage=Stage(stage_value),
            vote=Vote(vote),
            at=at,
            reason_id=reason_id,
            note=note,
            supersedes=supersedes,
        )
        for (
            seq,
            record_id,
            reviewer_id,
            stage_value,
            vote,
            at,
            reason_id,
            note,
            supersedes,
        ) in rows
    ]
