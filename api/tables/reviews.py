"""Reviews, their members, and the sources searched for them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.permissions import Role
from api.tables.base import JSONType, Timestamp, str_enum, utc_now


class SourceKind(enum.StrEnum):
    DATABASE = "database"
    REGISTER = "register"
    WEBSITE = "website"
    ORGANISATION = "organisation"
    CITATION = "citation"


class Review(SQLModel, table=True):
    __tablename__ = "review"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    description: str = Field(default="", sa_type=sa.Text)
    settings: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)


class Membership(SQLModel, table=True):
    __tablename__ = "membership"
    __table_args__ = (sa.UniqueConstraint("review_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    role: Role = Field(sa_type=str_enum(Role))
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)


class Source(SQLModel, table=True):
    __tablename__ = "source"
    __table_args__ = (sa.UniqueConstraint("review_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    kind: SourceKind = Field(default=SourceKind.DATABASE, sa_type=str_enum(SourceKind))
    query: str = Field(default="", sa_type=sa.Text)
    searched_on: date | None = None
    notes: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)
