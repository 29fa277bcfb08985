"""Screening: exclusion reasons, immutable decision events, resolutions, full texts, notes."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.tables.base import JSONType, Timestamp, str_enum, utc_now
from screening.model import Stage, Vote

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
    # An undo: takes back the resolution it supersedes (which stays, as does this row).
    withdrawn: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


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
