"""Background work with progress, claimed by one worker at a time (see `api.jobs`)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.tables.base import JSONType, Timestamp, str_enum, utc_now


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Job(SQLModel, table=True):
    __tablename__ = "job"
    id: int | None = Field(default=None, primary_key=True)
    review_id: int | None = Field(
        default=None, foreign_key="review.id", index=True, ondelete="CASCADE"
    )
    kind: str = Field(max_length=64)
    status: JobStatus = Field(default=JobStatus.QUEUED, sa_type=str_enum(JobStatus), index=True)
    done: int = 0
    total: int | None = None
    error: str | None = Field(default=None, sa_type=sa.Text)
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    result: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    worker: str | None = Field(default=None, max_length=128)
    # The worker running the job renews this; once it passes, any worker may take the job over.
    lease_until: datetime | None = Field(default=None, sa_type=Timestamp)
    attempts: int = 0
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)
    started_at: datetime | None = Field(default=None, sa_type=Timestamp)
    finished_at: datetime | None = Field(default=None, sa_type=Timestamp)
