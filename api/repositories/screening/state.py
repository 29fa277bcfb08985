"""Stored stage state SQL: the rows `next` picks from, their updates, and the reports' queries.

Records left before screening (duplicates, removed records) keep their rows; every query that
means "at the stage" joins ``record`` to leave them out, so dedup and removals need no hook here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from api.tables import (
    Decision,
    FullText,
    FullTextStatus,
    Membership,
    Record,
    ScreeningClaim,
    ScreeningStage,
    ScreeningState,
)
from screening.decisions import RecordState, RecordStatus
from screening.model import RecordId, ReviewerId, Stage, Vote
from screening.stage_rows import FirstVotes, RapidSet, StageRow

STATE: sa.Table = ScreeningState.__table__  # type: ignore[attr-defined]
STAGE: sa.Table = ScreeningStage.__table__  # type: ignore[attr-defined]
CLAIM: sa.Table = ScreeningClaim.__table__  # type: ignore[attr-defined]
DECISION: sa.Table = Decision.__table__  # type: ignore[attr-defined]
FULL_TEXT: sa.Table = FullText.__table__  # type: ignore[attr-defined]
MEMBERSHIP: sa.Table = Membership.__table__  # type: ignore[attr-defined]
RECORD: sa.Table = Record.__table__  # type: ignore[attr-defined]
FOR_LEADS = (RecordState.CONFLICT, RecordState.UNDECIDED)
# Ranked records come first: a ranking's positions are stored below every record id.
RANKED_BASE = -(2**52)


@dataclass(frozen=True, slots=True)
class StoredRow:
    """One stored row, as read back."""

    record_id: RecordId
    stage: Stage
    in_stage: bool
    duplicate: bool
    removed: bool
    state: RecordState
    votes_needed: int
    voters: int
    reason_id: int | None
    resolution_id: int | None
    why: str
    rapid_set: RapidSet | None
    first_votes: FirstVotes
    kept: bool
    priority: int

    @property
    def ranked(self) -> bool:
        return self.priority < 0

    @property
    def at_stage(self) -> bool:
        """At this stage now: reached it, and neither a duplicate nor removed."""
        return self.in_stage and not self.duplicate and not self.removed

    def status(self) -> RecordStatus:
        """The status as reports read it: state, need and reason (who voted is in the log)."""
        return RecordStatus(
            self.record_id, self.state, votes_needed=self.votes_needed, reason_id=self.reason_id,
            why=self.why,
        )  # fmt: skip


_ROW_COLUMNS = (
    STATE.c.record_id,
    STATE.c.stage,
    STATE.c.in_stage,
    STATE.c.duplicate,
    STATE.c.removed,
    STATE.c.state,
    STATE.c.votes_needed,
    STATE.c.voters,
    STATE.c.reason_id,
    STATE.c.resolution_id,
    STATE.c.why,
    STATE.c.rapid_set,
    STATE.c.first_votes,
    STATE.c.first_decision_id,
    STATE.c.first_reviewer_id,
    STATE.c.first_vote,
    STATE.c.second_reviewer_id,
    STATE.c.second_vote,
    STATE.c.kept,
    STATE.c.priority,
)


def _stored(row: Sequence[Any]) -> StoredRow:
    (
        record_id, stage, in_stage, duplicate, removed, state, needed, voters, reason_id,
        resolution_id, why, rapid_set, count, first_id, first_reviewer, first_vote,
        second_reviewer, second_vote, kept, priority,
    ) = row  # fmt: skip
    first = (int(first_reviewer), Vote(first_vote)) if first_reviewer is not None else None
    second = (int(second_reviewer), Vote(second_vote)) if second_reviewer is not None else None
    return StoredRow(
        record_id=int(record_id),
        stage=Stage(stage),
        in_stage=bool(in_stage),
        duplicate=bool(duplicate),
        removed=bool(removed),
        state=RecordState(state),
        votes_needed=int(needed),
        voters=int(voters),
        reason_id=reason_id,
        resolution_id=resolution_id,
        why=why or "",
        rapid_set=RapidSet(rapid_set) if rapid_set else None,
        first_votes=FirstVotes(int(count), first_id, first, second),
        kept=bool(kept),
        priority=int(priority),
    )


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    record_id: int
    source_id: int
    study_id: int | None
    duplicate: bool
    removed: str | None
    title_abstract: RecordState
    ta_votes_needed: int
    ta_reason_id: int | None
    full_text: RecordState | None  # None: not at full text
    ft_votes_needed: int
    ft_reason_id: int | None
    retrieval: str | None


_STATE_OF = {state.value: state for state in RecordState}


def _outcome(r: Sequence[Any]) -> OutcomeRow:
    return OutcomeRow(
        r[0], r[1], r[2], bool(r[3]), r[4], _STATE_OF[r[5]], r[6], r[7],
        _STATE_OF[r[9]] if r[8] else None, r[10], r[11], r[12],
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class RecordAtStages:
    """A record with both its rows and its full text's status, read (and locked) at once."""

    title_abstract: StoredRow
    full_text: StoredRow
    retrieval: FullTextStatus | None

    @property
    def record_id(self) -> int:
        return self.title_abstract.record_id

    @property
    def duplicate(self) -> bool:
        return self.title_abstract.duplicate

    @property
    def removed(self) -> bool:
        return self.title_abstract.removed

    def row(self, stage: Stage) -> StoredRow:
        return self.title_abstract if stage is Stage.TITLE_ABSTRACT else self.full_text


def row_values(row: StageRow) -> dict[str, Any]:
    """The columns a computed row sets (everything but ``in_stage``, ``open`` and ``priority``)."""
    status = row.status
    resolution_id = status.resolution.seq if status.resolution is not None else None
    return _columns(
        status.state, status.votes_needed, len(status.voters), status.reason_id, resolution_id,
        status.why, row.rapid_set, row.first_votes, kept=row.kept,
    )  # fmt: skip


def stored_values(stored: StoredRow) -> dict[str, Any]:
    """The same columns as `row_values`, as a stored row holds them."""
    return _columns(
        stored.state, stored.votes_needed, stored.voters, stored.reason_id, stored.resolution_id,
        stored.why, stored.rapid_set, stored.first_votes, kept=stored.kept,
    )  # fmt: skip


def _columns(
    state: RecordState,
    votes_needed: int,
    voters: int,
    reason_id: int | None,
    resolution_id: int | None,
    why: str,
    rapid_set: RapidSet | None,
    first: FirstVotes,
    *,
    kept: bool,
) -> dict[str, Any]:
    return {
        "state": state,
        "votes_needed": votes_needed,
        "voters": voters,
        "reason_id": reason_id,
        "resolution_id": resolution_id,
        "why": why,
        "rapid_set": rapid_set,
        "first_votes": first.count,
        "first_decision_id": first.first_seq,
        "first_reviewer_id": first.first[0] if first.first else None,
        "first_vote": first.first[1] if first.first else None,
        "second_reviewer_id": first.second[0] if first.second else None,
        "second_vote": first.second[1] if first.second else None,
        "kept": kept,
    }


def _at_stage(review_id: int, stage: Stage) -> list[Any]:
    """Conditions for rows of records at the stage."""
    return [
        STATE.c.review_id == review_id,
        STATE.c.stage == stage,
        STATE.c.in_stage == sa.true(),
        STATE.c.duplicate == sa.false(),
        STATE.c.removed == sa.false(),
    ]


def _record_at_stages(lock: Stage | None) -> sa.Select[Any]:
    ta = STATE.alias("ta")
    ft = STATE.alias("ft")
    statement = (
        sa.select(
            FULL_TEXT.c.status,
            *[ta.c[c.name] for c in _ROW_COLUMNS],
            *[ft.c[c.name] for c in _ROW_COLUMNS],
        )
        .select_from(
            ta.join(
                ft, sa.and_(ft.c.record_id == ta.c.record_id, ft.c.stage == Stage.FULL_TEXT)
            ).outerjoin(FULL_TEXT, FULL_TEXT.c.record_id == ta.c.record_id)
        )
        .where(
            ta.c.record_id == sa.bindparam("record_id"),
            ta.c.stage == Stage.TITLE_ABSTRACT,
            ta.c.review_id == sa.bindparam("rid"),
        )
    )
    if lock is not None:
        statement = statement.with_for_update(of=ta if lock is Stage.TITLE_ABSTRACT else ft)
    return statement


# The hot paths' statements, built once (building and keying a statement costs more than
# running it on SQLite).
_AT_STAGES = {lock: _record_at_stages(lock) for lock in (None, *Stage)}
_VOTED = sa.exists().where(
    DECISION.c.record_id == STATE.c.record_id,
    DECISION.c.reviewer_id == sa.bindparam("reviewer"),
    DECISION.c.stage == STATE.c.stage,
    DECISION.c.supersedes_id.is_(None),  # the first vote: one per voter (unique index)
)
_CLAIMED = (
    sa.select(sa.func.count())
    .where(
        CLAIM.c.record_id == STATE.c.record_id,
        CLAIM.c.stage == STATE.c.stage,
        CLAIM.c.reviewer_id != sa.bindparam("reviewer"),
        CLAIM.c.expires_at > sa.bindparam("now", type_=CLAIM.c.expires_at.type),
    )
    .scalar_subquery()
)
_BEST = (
    sa.select(STATE.c.record_id, STATE.c.priority)
    .where(
        STATE.c.review_id == sa.bindparam("rid"),
        STATE.c.stage == sa.bindparam("stage", type_=STATE.c.stage.type),
        STATE.c.open == sa.true(),
        STATE.c.record_id != sa.bindparam("after"),
        ~_VOTED,
        STATE.c.votes_needed > _CLAIMED,
    )
    .order_by(STATE.c.priority)
    .limit(1)
    .with_for_update(of=STATE, skip_locked=True)
)
_BEST_AMONG = _BEST.where(STATE.c.record_id.in_(sa.bindparam("among", expanding=True)))
_FREE = sa.select(STATE.c.record_id).where(
    STATE.c.record_id == sa.bindparam("record_id"),
    STATE.c.stage == sa.bindparam("stage", type_=STATE.c.stage.type),
    STATE.c.votes_needed > _CLAIMED,
)


def _raw(column: Any) -> Any:
    return sa.type_coerce(column, sa.String)  # no enum decoding for 100,000 rows


_TA, _FT = STATE.alias("ta"), STATE.alias("ft")
_OUTCOMES = (
    sa.select(
        RECORD.c.id,
        RECORD.c.source_id,
        RECORD.c.study_id,
        RECORD.c.duplicate_of_id.is_not(None),
        _raw(RECORD.c.removed),
        _raw(_TA.c.state),
        _TA.c.votes_needed,
        _TA.c.reason_id,
        _FT.c.in_stage,
        _raw(_FT.c.state),
        _FT.c.votes_needed,
        _FT.c.reason_id,
        _raw(FULL_TEXT.c.status),
    )
    .select_from(
        RECORD.join(
            _TA, sa.and_(_TA.c.record_id == RECORD.c.id, _TA.c.stage == Stage.TITLE_ABSTRACT)
        )
        .join(_FT, sa.and_(_FT.c.record_id == RECORD.c.id, _FT.c.stage == Stage.FULL_TEXT))
        .outerjoin(FULL_TEXT, FULL_TEXT.c.record_id == RECORD.c.id)
    )
    .where(RECORD.c.review_id == sa.bindparam("rid"))
    .order_by(RECORD.c.id)
)
_GROUPED = (
    RECORD.c.source_id,
    sa.null(),
    RECORD.c.duplicate_of_id.is_not(None),
    _raw(RECORD.c.removed),
    _raw(_TA.c.state),
    sa.literal(0),
    sa.null(),
    _FT.c.in_stage,
    _raw(_FT.c.state),
    sa.literal(0),
    _FT.c.reason_id,
    _raw(FULL_TEXT.c.status),
)
_OUTCOME_GROUPS = (
    sa.select(*_GROUPED, sa.func.count())
    .select_from(_OUTCOMES.get_final_froms()[0])
    .where(RECORD.c.review_id == sa.bindparam("rid"))
    .group_by(*[c for c in _GROUPED if not isinstance(c, sa.Null | sa.BindParameter)])
)
_INCLUDED_STUDIES = (
    sa.select(sa.func.coalesce(RECORD.c.study_id, -RECORD.c.id))
    .select_from(_OUTCOMES.get_final_froms()[0])
    .where(
        RECORD.c.review_id == sa.bindparam("rid"),
        RECORD.c.duplicate_of_id.is_(None),
        RECORD.c.removed.is_(None),
        _FT.c.in_stage == sa.true(),
        _FT.c.state == RecordState.INCLUDED,
    )
)
_OPEN_WHEN_IN_STAGE = sa.and_(
    STATE.c.votes_needed > 0, sa.not_(STATE.c.duplicate), sa.not_(STATE.c.removed)
)
_SAVED = (
    "state", "votes_needed", "voters", "reason_id", "resolution_id", "why", "rapid_set",
    "first_votes", "first_decision_id", "first_reviewer_id", "first_vote", "second_reviewer_id",
    "second_vote", "kept",
)  # fmt: skip
_SAVE = (
    sa.update(STATE)
    .where(
        STATE.c.record_id == sa.bindparam("v_key"),
        STATE.c.stage == sa.bindparam("v_stage_key", type_=STATE.c.stage.type),
    )
    .values(
        {
            **{name: sa.bindparam(f"v_{name}", type_=STATE.c[name].type) for name in _SAVED},
            "open": sa.and_(STATE.c.in_stage, sa.bindparam("v_open_if_in_stage", type_=sa.Boolean)),
        }
    )
)
_MY_CLAIM_COLUMNS = (
    CLAIM.c.record_id,
    CLAIM.c.expires_at > sa.bindparam("now", type_=CLAIM.c.expires_at.type),
)
_MINE = sa.and_(
    CLAIM.c.review_id == sa.bindparam("rid"),
    CLAIM.c.reviewer_id == sa.bindparam("reviewer"),
    CLAIM.c.stage == sa.bindparam("stage", type_=CLAIM.c.stage.type),
)
_MY_CLAIMS = sa.select(*_MY_CLAIM_COLUMNS).where(_MINE)
_RELEASE = sa.delete(CLAIM).where(
    CLAIM.c.reviewer_id == sa.bindparam("reviewer"),
    CLAIM.c.stage == sa.bindparam("stage", type_=CLAIM.c.stage.type),
    CLAIM.c.record_id.in_(sa.bindparam("records", expanding=True)),
)


# A reviewer's requests for their next record take turns on PostgreSQL (SQLite's writers take
# turns anyway): two at once (a double click, two tabs) would each drop the claims the other
# holds or is taking, in orders that deadlock. Key space: an advisory lock of two integers, the
# first naming the reviewer queues (it cannot meet the one-integer locks taken elsewhere).
_QUEUE_LOCKS = 0x57514E  # "WQN"
_TURN = (
    sa.select(
        sa.func.pg_advisory_xact_lock(
            sa.cast(sa.literal(_QUEUE_LOCKS), sa.Integer),
            sa.cast(sa.bindparam("reviewer"), sa.Integer),
        ).label("turn")
    )
).subquery("turn")
# The lock and the holds in one trip: the lock is the preserved side of an outer join, so it is
# taken (once) before the holds are read, and the join yields one row without a hold if none.
_MY_CLAIMS_IN_TURN = sa.select(*_MY_CLAIM_COLUMNS).select_from(_TURN.outerjoin(CLAIM, _MINE))


def _claim_if_free(insert: Any) -> Any:
    """The claim upsert, made only while the record still has a vote free for the reviewer after
    others' live claims (`_FREE`), built once per dialect (a statement built per call, with its
    values inside, cost more than half of `next`)."""
    free = _FREE.exists()
    values = sa.select(
        sa.bindparam("rid", type_=CLAIM.c.review_id.type),
        sa.bindparam("record_id", type_=CLAIM.c.record_id.type),
        # typed as the other uses of the parameter deduce it (PostgreSQL refuses two types)
        sa.cast(sa.bindparam("stage", type_=CLAIM.c.stage.type), sa.String),
        sa.bindparam("reviewer", type_=CLAIM.c.reviewer_id.type),
        sa.bindparam("until", type_=CLAIM.c.expires_at.type),
    ).where(free)
    statement = insert(CLAIM).from_select(
        ["review_id", "record_id", "stage", "reviewer_id", "expires_at"], values
    )
    return statement.on_conflict_do_update(
        index_elements=[CLAIM.c.record_id, CLAIM.c.stage, CLAIM.c.reviewer_id],
        set_={"expires_at": statement.excluded.expires_at},
    ).returning(CLAIM.c.record_id)  # the row count of INSERT ... SELECT is not reported


_CLAIM = {"postgresql": _claim_if_free(postgresql.insert), "sqlite": _claim_if_free(sqlite.insert)}

_ACTIVE = sa.select(MEMBERSHIP.c.user_id).where(
    MEMBERSHIP.c.review_id == sa.bindparam("rid"),
    MEMBERSHIP.c.user_id.in_(sa.bindparam("users", expanding=True)),
    MEMBERSHIP.c.role.in_(["lead", "reviewer"]),
)


class StateRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _run(self, statement: Any, parameters: Any = None) -> Any:
        return self.session.connection().execute(statement, parameters)

    # One record

    def row(self, record_id: int, stage: Stage, *, lock: bool = False) -> StoredRow | None:
        """A record's row; *lock* holds it (PostgreSQL) until the transaction ends."""
        statement = sa.select(*_ROW_COLUMNS).where(
            STATE.c.record_id == record_id, STATE.c.stage == stage
        )
        if lock:
            statement = statement.with_for_update(of=STATE)
        found = self._run(statement).first()
        return _stored(found) if found is not None else None

    def save(self, record_id: int, stage: Stage, row: StageRow) -> None:
        """Store a record's computed row; ``open`` follows from the need and ``in_stage``."""
        self.save_many(stage, [row])

    def save_many(self, stage: Stage, rows: Iterable[StageRow]) -> int:
        """`save` for many rows at once (one executemany); returns how many."""
        batch = [
            {
                **{f"v_{name}": value for name, value in row_values(row).items()},
                "v_key": row.record_id,
                "v_stage_key": stage,
                "v_open_if_in_stage": row.status.votes_needed > 0,
            }
            for row in rows
        ]
        if batch:
            self._run(_SAVE, batch)
        return len(batch)

    def set_in_stage(self, record_ids: Sequence[int], stage: Stage, in_stage: bool) -> None:
        if not record_ids:
            return
        self._run(
            sa.update(STATE)
            .where(STATE.c.record_id.in_(list(record_ids)), STATE.c.stage == stage)
            .values(in_stage=in_stage, open=_OPEN_WHEN_IN_STAGE if in_stage else sa.false())
        )

    def set_record_flags(self, flags: Sequence[tuple[int, bool, bool]]) -> None:
        """Mirror (record, duplicate, removed) onto both rows of each record (repairs only:
        triggers on ``record`` keep them)."""
        if not flags:
            return
        self._run(
            sa.update(STATE)
            .where(STATE.c.record_id == sa.bindparam("v_key"))
            .values(
                duplicate=sa.bindparam("v_duplicate", type_=sa.Boolean),
                removed=sa.bindparam("v_removed", type_=sa.Boolean),
                open=sa.and_(
                    STATE.c.in_stage,
                    STATE.c.votes_needed > 0,
                    sa.not_(sa.bindparam("v_duplicate", type_=sa.Boolean)),
                    sa.not_(sa.bindparam("v_removed", type_=sa.Boolean)),
                ),
            ),
            [{"v_key": r, "v_duplicate": d, "v_removed": x} for r, d, x in flags],
        )

    # The queue

    def my_claims(
        self, review_id: int, stage: Stage, reviewer_id: int, now: datetime
    ) -> list[tuple[int, bool]]:
        """The records the reviewer holds at a stage, each with whether the hold is still live
        (served, not yet voted on, not expired). On PostgreSQL, read in the reviewer's turn: the
        reviewer's other `next` requests are done, and wait for this transaction to end."""
        connection = self.session.connection()
        parameters = {"rid": review_id, "reviewer": reviewer_id, "stage": stage, "now": now}
        if connection.dialect.name == "postgresql":
            found = connection.execute(_MY_CLAIMS_IN_TURN, parameters).all()
        else:
            found = connection.execute(_MY_CLAIMS, parameters).all()
        return [(int(r[0]), bool(r[1])) for r in found if r[0] is not None]

    def best_for(
        self,
        review_id: int,
        stage: Stage,
        reviewer_id: int,
        now: datetime,
        *,
        after: int | None,
        among: Sequence[int] | None = None,
    ) -> tuple[int, int] | None:
        """(record, priority) of the reviewer's best record: at the stage, waiting for votes,
        not voted on by them, and with a vote still free after others' live claims. One scan of
        the queue index in priority order; PostgreSQL locks the row it returns and skips rows
        another transaction holds (two reviewers never both take a record's last slot)."""
        parameters: dict[str, Any] = {
            "rid": review_id, "stage": stage, "reviewer": reviewer_id, "now": now,
            "after": after or 0,
        }  # fmt: skip
        statement = _BEST
        if among is not None:
            statement, parameters["among"] = _BEST_AMONG, list(among)
        found = self._run(statement, parameters).first()
        return (int(found[0]), int(found[1])) if found is not None else None

    def release_claims(self, reviewer_id: int, stage: Stage, record_ids: Sequence[int]) -> None:
        """Drop the reviewer's holds on these records."""
        if record_ids:
            parameters = {"reviewer": reviewer_id, "stage": stage, "records": list(record_ids)}
            self._run(_RELEASE, parameters)

    def release_claim(self, reviewer_id: int, stage: Stage, record_id: int) -> None:
        self.release_claims(reviewer_id, stage, [record_id])

    def claim_if_free(
        self,
        review_id: int,
        record_id: int,
        stage: Stage,
        reviewer_id: int,
        now: datetime,
        until: datetime,
    ) -> bool:
        """Hold a record for the reviewer until *until* (extending a hold they have) if it still
        has a vote free for them after others' live claims; whether it was held. The check is
        part of the statement that claims, so it sees every claim committed before it ran: on
        PostgreSQL `best_for` may lock a row just released by a transaction whose claim its
        snapshot, taken before, does not show (SQLite's writers take turns: no such race)."""
        connection = self.session.connection()
        parameters = {
            "rid": review_id, "record_id": record_id, "stage": stage, "reviewer": reviewer_id,
            "now": now, "until": until,
        }  # fmt: skip
        return connection.execute(_CLAIM[connection.dialect.name], parameters).first() is not None

    def record_at_stages(
        self, review_id: int, record_id: int, *, lock: Stage | None = None
    ) -> RecordAtStages | None:
        """The record's two rows and full-text status; *lock* holds that stage's row."""
        found = self._run(_AT_STAGES[lock], {"record_id": record_id, "rid": review_id}).first()
        if found is None:
            return None
        width = len(_ROW_COLUMNS)
        return RecordAtStages(
            retrieval=FullTextStatus(found[0]) if found[0] is not None else None,
            title_abstract=_stored(found[1 : 1 + width]),
            full_text=_stored(found[1 + width :]),
        )

    def active_among(self, review_id: int, users: Iterable[int]) -> set[int]:
        """Those of *users* who screen in the review now (leads and reviewers)."""
        wanted = list(users)
        if not wanted:
            return set()
        return {int(r[0]) for r in self._run(_ACTIVE, {"rid": review_id, "users": wanted}).all()}

    # Whole stages

    def rows(
        self, review_id: int, stage: Stage, record_ids: Sequence[int] | None = None
    ) -> dict[int, StoredRow]:
        """Every row of the stage (records left before screening included), or those given."""
        statement = sa.select(*_ROW_COLUMNS).where(
            STATE.c.review_id == review_id, STATE.c.stage == stage
        )
        if record_ids is not None:
            statement = statement.where(STATE.c.record_id.in_(list(record_ids)))
        return {row.record_id: row for row in map(_stored, self._run(statement).all())}

    def at_stage(
        self, review_id: int, stage: Stage, states: Sequence[RecordState]
    ) -> list[StoredRow]:
        """Rows of the records at the stage in these states, in import order."""
        statement = (
            sa.select(*_ROW_COLUMNS)
            .where(*_at_stage(review_id, stage), STATE.c.state.in_(list(states)))
            .order_by(STATE.c.record_id)
        )
        return [_stored(row) for row in self._run(statement).all()]

    def state_counts(self, review_id: int, stage: Stage) -> dict[RecordState, int]:
        statement = (
            sa.select(STATE.c.state, sa.func.count())
            .where(*_at_stage(review_id, stage))
            .group_by(STATE.c.state)
        )
        return {RecordState(state): int(n) for state, n in self._run(statement).all()}

    def open_count(self, review_id: int, stage: Stage) -> int:
        statement = sa.select(sa.func.count()).where(
            *_at_stage(review_id, stage), STATE.c.open == sa.true()
        )
        return int(self._run(statement).scalar_one())

    def reviewer_counts(
        self, review_id: int, stage: Stage, reviewers: Iterable[int]
    ) -> dict[int, tuple[int, int, int]]:
        """Per reviewer: records at the stage they voted on, of those how many wait for votes,
        and how many await a lead."""
        wanted = list(reviewers)
        if not wanted:
            return {}
        statement = (
            sa.select(
                DECISION.c.reviewer_id,
                sa.func.count(),
                sa.func.sum(sa.case((STATE.c.open == sa.true(), 1), else_=0)),
                sa.func.sum(sa.case((STATE.c.state.in_(FOR_LEADS), 1), else_=0)),
            )
            .select_from(
                DECISION.join(
                    STATE,
                    sa.and_(
                        STATE.c.record_id == DECISION.c.record_id,
                        STATE.c.stage == DECISION.c.stage,
                    ),
                )
            )
            .where(
                DECISION.c.review_id == review_id,
                DECISION.c.stage == stage,
                DECISION.c.supersedes_id.is_(None),
                DECISION.c.reviewer_id.in_(wanted),
                STATE.c.in_stage == sa.true(),
                STATE.c.duplicate == sa.false(),
                STATE.c.removed == sa.false(),
            )
            .group_by(DECISION.c.reviewer_id)
        )
        return {
            int(r): (int(done), int(waiting or 0), int(for_leads or 0))
            for r, done, waiting, for_leads in self._run(statement).all()
        }

    def screened_in_order(self, review_id: int, stage: Stage) -> list[bool]:
        """For the records at the stage with a vote, in the order they were first screened:
        whether each counts as relevant (settled: included; open: some vote kept it)."""
        relevant = sa.case(
            (STATE.c.state == RecordState.INCLUDED, sa.true()),
            (STATE.c.state == RecordState.EXCLUDED, sa.false()),
            else_=STATE.c.kept,
        )
        statement = (
            sa.select(relevant)
            .where(*_at_stage(review_id, stage), STATE.c.first_decision_id.is_not(None))
            .order_by(STATE.c.first_decision_id)
        )
        return [bool(r[0]) for r in self._run(statement).all()]

    def first_vote_pairs(
        self, review_id: int, stage: Stage, *, settled_only: bool
    ) -> list[tuple[ReviewerId, Vote, ReviewerId, Vote, int]]:
        """How often each pair of first two votes occurs among records with exactly two voters
        (those with more are read from the log); *settled_only*: records settled at the stage."""
        columns = (
            STATE.c.first_reviewer_id,
            STATE.c.first_vote,
            STATE.c.second_reviewer_id,
            STATE.c.second_vote,
        )
        statement = sa.select(*columns, sa.func.count()).where(
            STATE.c.review_id == review_id, STATE.c.stage == stage, STATE.c.first_votes == 2
        )
        if settled_only:
            statement = statement.where(
                *_at_stage(review_id, stage),
                STATE.c.state.in_([RecordState.INCLUDED, RecordState.EXCLUDED]),
            )
        rows = self._run(statement.group_by(*columns)).all()
        return [(int(a), Vote(va), int(b), Vote(vb), int(n)) for a, va, b, vb, n in rows]

    def widely_rated(self, review_id: int, stage: Stage, *, settled_only: bool) -> list[int]:
        """Records with more than two first votes (calibration sets, newcomers after a
        departure): agreement reads their votes from the log."""
        statement = sa.select(STATE.c.record_id).where(
            STATE.c.review_id == review_id, STATE.c.stage == stage, STATE.c.first_votes > 2
        )
        if settled_only:
            statement = statement.where(
                *_at_stage(review_id, stage),
                STATE.c.state.in_([RecordState.INCLUDED, RecordState.EXCLUDED]),
            )
        return [int(r[0]) for r in self._run(statement).all()]

    def voters(self, record_ids: Sequence[int], stage: Stage) -> dict[int, list[int]]:
        """Who holds a current vote on each record (everyone who ever voted on it)."""
        if not record_ids:
            return {}
        statement = (
            sa.select(DECISION.c.record_id, DECISION.c.reviewer_id)
            .where(
                DECISION.c.record_id.in_(list(record_ids)),
                DECISION.c.stage == stage,
                DECISION.c.supersedes_id.is_(None),
            )
            .order_by(DECISION.c.id)
        )
        found: dict[int, list[int]] = {}
        for record_id, reviewer_id in self._run(statement).all():
            found.setdefault(int(record_id), []).append(int(reviewer_id))
        return found

    def record_states(self, review_id: int) -> list[tuple[StoredRow, StoredRow]]:
        """Every record's two rows (title/abstract, full text), in import order."""
        ta = STATE.alias("ta")
        ft = STATE.alias("ft")
        statement = (
            sa.select(*[ta.c[c.name] for c in _ROW_COLUMNS], *[ft.c[c.name] for c in _ROW_COLUMNS])
            .select_from(
                ta.join(
                    ft, sa.and_(ft.c.record_id == ta.c.record_id, ft.c.stage == Stage.FULL_TEXT)
                )
            )
            .where(ta.c.review_id == review_id, ta.c.stage == Stage.TITLE_ABSTRACT)
            .order_by(ta.c.record_id)
        )
        width = len(_ROW_COLUMNS)
        return [(_stored(row[:width]), _stored(row[width:])) for row in self._run(statement).all()]

    def outcomes(self, review_id: int) -> list[OutcomeRow]:
        """Every record of the review (import order) with what reports say of it: its source,
        study, whether it left before screening, its state at both stages (full text when it
        got there) and its report's retrieval. One pass over the rows and an index of records
        (their large text columns stay unread); values come back as stored, undecoded."""
        return [_outcome(r) for r in self._run(_OUTCOMES, {"rid": review_id}).all()]

    def outcome_groups(self, review_id: int) -> list[tuple[OutcomeRow, int]]:
        """`outcomes` counted: one row per distinct combination (records and study unset)."""
        found = self._run(_OUTCOME_GROUPS, {"rid": review_id}).all()
        return [(_outcome((0, *r[:-1])), int(r[-1])) for r in found]

    def included_study_keys(self, review_id: int) -> list[int]:
        """For each record included at full text: its study, or minus its id when unlinked."""
        return [int(r[0]) for r in self._run(_INCLUDED_STUDIES, {"rid": review_id}).all()]

    def settled(
        self, review_id: int, stage: Stage, record_ids: Sequence[int] | None = None
    ) -> dict[int, bool]:
        """Records at the stage (of *record_ids*, if given): whether each is settled (blinding
        of the decision log)."""
        statement = sa.select(STATE.c.record_id, STATE.c.state).where(*_at_stage(review_id, stage))
        if record_ids is not None:
            statement = statement.where(STATE.c.record_id.in_(list(record_ids)))
        return {int(r): RecordState(s).settled for r, s in self._run(statement).all()}

    def count_at_stage(self, review_id: int, stage: Stage) -> int:
        statement = sa.select(sa.func.count()).where(*_at_stage(review_id, stage))
        return int(self._run(statement).scalar_one())

    # Priorities

    def set_priorities(self, stage: Stage, priorities: Mapping[int, int]) -> None:
        """Move records in the queue. On PostgreSQL in one statement that skips the rows a vote
        or a `next` holds right now (they keep their place: the order is advice, and a voter
        must never wait for the prioritiser); SQLite's writers take turns anyway."""
        if not priorities:
            return
        if self.session.connection().dialect.name != "postgresql":
            self._run(
                sa.update(STATE)
                .where(STATE.c.record_id == sa.bindparam("v_key"), STATE.c.stage == stage)
                .values(priority=sa.bindparam("v_priority", type_=sa.BigInteger)),
                [{"v_key": record_id, "v_priority": p} for record_id, p in priorities.items()],
            )
            return
        self._run(
            sa.text(
                "UPDATE screening_state AS s SET priority = v.priority"
                " FROM unnest(CAST(:ids AS integer[]), CAST(:priorities AS bigint[]))"
                " AS v (record_id, priority)"
                " WHERE s.stage = :stage AND s.record_id = v.record_id AND s.record_id IN ("
                " SELECT record_id FROM screening_state WHERE stage = :stage"
                " AND record_id = ANY(CAST(:ids AS integer[])) FOR UPDATE SKIP LOCKED)"
            ),
            {
                "ids": list(priorities),
                "priorities": list(priorities.values()),
                "stage": stage.value,
            },
        )

    # Stage settings

    def stage_row(self, review_id: int, stage: Stage) -> dict[str, Any] | None:
        found = self._run(
            sa.select(STAGE).where(STAGE.c.review_id == review_id, STAGE.c.stage == stage)
        ).first()
        return dict(found._mapping) if found is not None else None

    def put_stage(self, review_id: int, stage: Stage, **values: Any) -> None:
        """Create or update a review stage's row."""
        updated = self._run(
            sa.update(STAGE)
            .where(STAGE.c.review_id == review_id, STAGE.c.stage == stage)
            .values(**values)
        )
        if updated.rowcount == 0:
            self._run(sa.insert(STAGE).values(review_id=review_id, stage=stage, **values))
