"""Extraction forms (versioned) and extracted values per study and extractor."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.tables.base import JSONType, Timestamp, str_enum, utc_now


class ExtractionKind(enum.StrEnum):
    EXTRACTION = "extraction"  # one extractor's values
    VERIFICATION = "verification"  # a second person's check (single_with_verification)
    CONSENSUS = "consensus"  # the lead's agreed values (dual)


class ExtractionForm(SQLModel, table=True):
    __tablename__ = "extraction_form"
    __table_args__ = (sa.UniqueConstraint("review_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    version: int = 1
    fields: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)


class Extraction(SQLModel, table=True):
    __tablename__ = "extraction"
    __table_args__ = (sa.Index("ix_extraction_study_id_extractor_id", "study_id", "extractor_id"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    study_id: int = Field(foreign_key="study.id", ondelete="CASCADE")
    form_id: int = Field(foreign_key="extraction_form.id")
    extractor_id: int = Field(foreign_key="user.id")
    kind: ExtractionKind = Field(
        default=ExtractionKind.EXTRACTION, sa_type=str_enum(ExtractionKind)
    )
    values: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    supersedes_id: int | None = Field(default=None, foreign_key="extraction.id", unique=True)
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)
