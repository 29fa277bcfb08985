"""Screening: exclusion reasons, immutable decision events, resolutions, full texts, notes, and
each stage's stored state."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.tables.base import JSONType, Timestamp, str_enum, utc_now
from screening.decisions import RecordState
from screening.model import Stage, Vote
from screening.stage_rows import RapidSet

_FIRST_VOTE = sa.text("supersedes_id IS NULL")


class FullTextStatus(enum.StrEnum):
    RETRIEVED = "retrieved"
    NOT_RETRIEVED = "not_retrieved"


class ExclusionReason(SQLModel, table=True):
    __tablename__ = "exclusion_reason"
    __table_args__ = (sa.UniqueConstraint("review_id", "stage", "label"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    stage: Stage = Field(sa_type=str_enum(Stage))
    label: str = Field(max_length=200)
    position: int = 0
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)


class Decision(SQLModel, table=True):
    """One vote. Never updated: a changed vote is a new row that ``supersedes`` the old one.

    The unique constraints make a vote chain linear: one first vote per reviewer, record and
    stage, and each vote superseded at most once (two tabs voting at once cannot fork it)."""

    __tablename__ = "decision"
    __table_args__ = (
        sa.Index("ix_decision_record_id_stage", "record_id", "stage"),
        sa.Index("ix_decision_reviewer_id_stage", "reviewer_id", "stage"),
        sa.Index(
            "uq_decision_first_vote",
            "record_id",
            "reviewer_id",
            "stage",
            unique=True,
            sqlite_where=_FIRST_VOTE,
            postgresql_where=_FIRST_VOTE,
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    record_id: int = Field(foreign_key="record.id", ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="user.id")
    stage: Stage = Field(sa_type=str_enum(Stage))
    vote: Vote = Field(sa_type=str_enum(Vote))
    reason_id: int | None = Field(default=None, foreign_key="exclusion_reason.id")
    note: str = Field(default="", sa_type=sa.Text)
    supersedes_id: int | None = Field(default=None, foreign_key="decision.id", unique=True)
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)


class Resolution(SQLModel, table=True):
    """The final word on a conflict (or a verification), by a lead or designated third reviewer."""

    __tablename__ = "resolution"
    __table_args__ = (sa.Index("ix_resolution_record_id_stage", "record_id", "stage"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    record_id: int = Field(foreign_key="record.id", ondelete="CASCADE")
    stage: Stage = Field(sa_type=str_enum(Stage))
    vote: Vote = Field(sa_type=str_enum(Vote))
    reason_id: int | None = Field(default=None, foreign_key="exclusion_reason.id")
    reason: str = Field(default="", sa_type=sa.Text)
    resolver_id: int = Field(foreign_key="user.id")
    supersedes_id: int | None = Field(default=None, foreign_key="resolution.id", unique=True)
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)


class FullText(SQLModel, table=True):
    __tablename__ = "full_text"
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    record_id: int = Field(foreign_key="record.id", unique=True, ondelete="CASCADE")
    status: FullTextStatus = Field(sa_type=str_enum(FullTextStatus))
    filename: str = Field(default="", max_length=500)
    path: str = Field(default="", max_length=1000)  # relative to WINNOW_DATA_DIR
    sha256: str | None = Field(default=None, max_length=64)
    size_bytes: int = 0
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)


class StageEvent(SQLModel, table=True):
    """Recorded, reportable moments of a stage, e.g. the rapid-review switch to single screening."""

    __tablename__ = "stage_event"
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    stage: Stage = Field(sa_type=str_enum(Stage))
    kind: str = Field(max_length=64)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    actor_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)


class RecordNote(SQLModel, table=True):
    __tablename__ = "record_note"
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    record_id: int = Field(foreign_key="record.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id")
    text: str = Field(default="", sa_type=sa.Text)
    tags: list[str] = Field(default_factory=list, sa_type=JSONType)
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)


class ScreeningClaim(SQLModel, table=True):
    """A record served to a reviewer by ``next`` and not yet voted on: a short-lived hold, so two
    reviewers asking at once are not both sent a record that needs only one more vote."""

    __tablename__ = "screening_claim"
    __table_args__ = (sa.UniqueConstraint("record_id", "stage", "reviewer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    record_id: int = Field(foreign_key="record.id", ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    stage: Stage = Field(sa_type=str_enum(Stage))
    expires_at: datetime = Field(sa_type=Timestamp)


_OPEN_STATES = "('needs_votes', 'awaiting_verification')"
_SETTLED_STATES = "('included', 'excluded')"
_STATES = (
    "('needs_votes', 'included', 'excluded', 'conflict', 'undecided', "
    "'awaiting_verification', 'awaiting_gate')"
)
_VOTES = "('include', 'exclude', 'maybe')"


class ScreeningStage(SQLModel, table=True):
    """Per review and stage: the status a record starts with (read by the trigger that adds a
    record's state rows), the rapid plan the rows follow, and the prioritiser's bookkeeping."""

    __tablename__ = "screening_stage"
    __table_args__ = (
        sa.CheckConstraint(f"fresh_state IN {_STATES}", name="fresh_state"),
        sa.CheckConstraint(
            f"(fresh_state IN {_OPEN_STATES}) = (fresh_votes_needed > 0)", name="fresh_needs"
        ),
    )
    review_id: int = Field(foreign_key="review.id", primary_key=True, ondelete="CASCADE")
    stage: Stage = Field(sa_type=str_enum(Stage), primary_key=True)
    fresh_state: RecordState = Field(default=RecordState.NEEDS_VOTES, sa_type=str_enum(RecordState))
    fresh_votes_needed: int = 2
    rapid_plan: str = Field(default="", max_length=64)  # digest of the plan the rows follow
    ranked_labels: str = Field(default="", max_length=64)  # digest of what the ranking learnt
    ranked_epoch: int = 0
    ranked_at: datetime | None = Field(default=None, sa_type=Timestamp)
    rank_owner: str | None = Field(default=None, max_length=128)
    rank_lease_until: datetime | None = Field(default=None, sa_type=Timestamp)


class ScreeningState(SQLModel, table=True):
    """A record at a stage as the queue and the reports read it, updated in the transaction of
    each vote or resolution (the decision log stays the record of what happened).

    ``in_stage``: the record reached this stage (full text: included at title/abstract and the
    report retrieved); ``duplicate`` and ``removed`` mirror the record (kept by triggers on
    ``record``): such records are out of every stage. ``open``: it waits for votes.
    ``priority``: queue order, lowest first (import order until the prioritiser ranks it). The
    first two independent votes feed agreement; ``first_decision_id`` and ``kept`` the
    stopping estimate. The checks make impossible combinations unstorable."""

    __tablename__ = "screening_state"
    __table_args__ = (
        sa.Index("ix_screening_state_queue", "review_id", "stage", "open", "priority"),
        # Counts by state and the records awaiting a lead, without reading every row.
        sa.Index("ix_screening_state_state", "review_id", "stage", "state"),
        # The stopping estimate reads records in the order first screened, from this alone.
        sa.Index(
            "ix_screening_state_screened",
            "review_id",
            "stage",
            "first_decision_id",
            "in_stage",
            "duplicate",
            "removed",
            "state",
            "kept",
        ),
        sa.CheckConstraint(f"state IN {_STATES}", name="state"),
        sa.CheckConstraint("stage IN ('title_abstract', 'full_text')", name="stage"),
        sa.CheckConstraint(
            "votes_needed >= 0 AND voters >= 0 AND voters <= first_votes", name="counts"
        ),
        sa.CheckConstraint(f"(state IN {_OPEN_STATES}) = (votes_needed > 0)", name="needs"),
        sa.CheckConstraint(
            "open = (in_stage AND NOT duplicate AND NOT removed AND votes_needed > 0)",
            name="open",
        ),
        sa.CheckConstraint("in_stage OR stage = 'full_text'", name="in_stage"),
        sa.CheckConstraint(
            f"resolution_id IS NULL OR state IN {_SETTLED_STATES}", name="resolution"
        ),
        sa.CheckConstraint("reason_id IS NULL OR state = 'excluded'", name="reason"),
        sa.CheckConstraint(
            "rapid_set IS NULL OR rapid_set IN ('calibration', 'dual')", name="rapid_set"
        ),
        sa.CheckConstraint(
            "(first_votes = 0) = (first_decision_id IS NULL)"
            " AND (first_votes = 0) = (first_reviewer_id IS NULL)"
            " AND (first_votes < 2) = (second_reviewer_id IS NULL)"
            " AND (first_reviewer_id IS NULL) = (first_vote IS NULL)"
            " AND (second_reviewer_id IS NULL) = (second_vote IS NULL)"
            " AND (second_reviewer_id IS NULL OR second_reviewer_id <> first_reviewer_id)",
            name="first_votes",
        ),
        sa.CheckConstraint(
            f"(first_vote IS NULL OR first_vote IN {_VOTES})"
            f" AND (second_vote IS NULL OR second_vote IN {_VOTES})",
            name="votes",
        ),
        sa.CheckConstraint("kept OR first_vote IS NULL OR first_vote = 'exclude'", name="kept"),
    )
    record_id: int = Field(foreign_key="record.id", primary_key=True, ondelete="CASCADE")
    stage: Stage = Field(sa_type=str_enum(Stage), primary_key=True)
    review_id: int = Field(foreign_key="review.id", ondelete="CASCADE")
    in_stage: bool
    duplicate: bool = False
    removed: bool = False
    state: RecordState = Field(sa_type=str_enum(RecordState))
    votes_needed: int
    voters: int = 0  # current votes that count
    open: bool
    reason_id: int | None = Field(default=None, foreign_key="exclusion_reason.id")
    resolution_id: int | None = Field(default=None, foreign_key="resolution.id")
    why: str = Field(default="", sa_type=sa.Text)
    rapid_set: RapidSet | None = Field(default=None, sa_type=str_enum(RapidSet))
    first_votes: int = 0
    first_decision_id: int | None = Field(default=None, foreign_key="decision.id")
    first_reviewer_id: int | None = None
    first_vote: Vote | None = Field(default=None, sa_type=str_enum(Vote))
    second_reviewer_id: int | None = None
    second_vote: Vote | None = Field(default=None, sa_type=str_enum(Vote))
    kept: bool = False
    priority: int = Field(sa_type=sa.BigInteger)
