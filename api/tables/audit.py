"""The audit log: who did what, when (nothing a person did is ever deleted)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from api.tables.base import JSONType, Timestamp, utc_now


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    review_id: int | None = Field(
        default=None, foreign_key="review.id", index=True, ondelete="CASCADE"
    )
    actor_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    action: str = Field(max_length=64)
    target: str = Field(default="", max_length=200)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    at: datetime = Field(default_factory=utc_now, sa_type=Timestamp, index=True)
