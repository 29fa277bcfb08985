"""Imported records, the batches they came in, duplicate links and studies."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.tables.base import JSONType, Timestamp, str_enum, utc_now


class BatchKind(enum.StrEnum):
    FILE = "file"
    PUBMED = "pubmed"


class DuplicateStatus(enum.StrEnum):
    AUTO = "auto"  # merged automatically (certain)
    PENDING = "pending"  # waiting for a person (the "maybe" queue)
    CONFIRMED = "confirmed"  # merged by a person
    REJECTED = "rejected"  # a person said: not duplicates
    UNDONE = "undone"  # a merge that was undone


class Removal(enum.StrEnum):
    """Why a record left before screening (PRISMA 2020's two boxes beside duplicates)."""

    AUTOMATION = "automation"  # marked as ineligible by an automation tool
    OTHER = "other"  # removed for another reason (e.g. outside the date limits)


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"
    # Re-importing the same file into the same source is a no-op (sha256 is NULL for PubMed runs).
    __table_args__ = (sa.UniqueConstraint("source_id", "sha256"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    source_id: int = Field(foreign_key="source.id", index=True, ondelete="CASCADE")
    kind: BatchKind = Field(default=BatchKind.FILE, sa_type=str_enum(BatchKind))
    filename: str = Field(default="", max_length=500)
    format: str = Field(max_length=32)
    encoding: str = Field(default="", max_length=32)
    sha256: str | None = Field(default=None, max_length=64)
    query: str = Field(default="", sa_type=sa.Text)
    records_total: int = 0
    records_imported: int = 0
    records_rejected: int = 0
    warnings: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    job_id: int | None = Field(default=None, foreign_key="job.id", ondelete="SET NULL")
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)


class Study(SQLModel, table=True):
    __tablename__ = "study"
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    label: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)


class Record(SQLModel, table=True):
    __tablename__ = "record"
    __table_args__ = (
        sa.Index("ix_record_review_id_doi", "review_id", "doi"),
        sa.Index("ix_record_review_id_pmid", "review_id", "pmid"),
        # Reports read these of every record: from the index, without the (large) rows.
        sa.Index(
            "ix_record_review_id_facts",
            "review_id",
            "id",
            "source_id",
            "study_id",
            "duplicate_of_id",
            "removed",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    batch_id: int = Field(foreign_key="import_batch.id", index=True, ondelete="CASCADE")
    source_id: int = Field(foreign_key="source.id", index=True, ondelete="CASCADE")
    record_number: int = 0  # position in its file, 1-based
    line: int = 0
    title: str = Field(default="", sa_type=sa.Text)
    abstract: str = Field(default="", sa_type=sa.Text)
    authors: list[str] = Field(default_factory=list, sa_type=JSONType)
    year: int | None = None
    journal: str = Field(default="", sa_type=sa.Text)
    volume: str = Field(default="", sa_type=sa.Text)
    issue: str = Field(default="", sa_type=sa.Text)
    pages: str = Field(default="", sa_type=sa.Text)
    # Unbounded text: an export with an odd value must be stored as given, never truncated.
    doi: str | None = Field(default=None, sa_type=sa.Text)
    pmid: str | None = Field(default=None, sa_type=sa.Text)
    pmcid: str | None = Field(default=None, sa_type=sa.Text)
    isbn: str | None = Field(default=None, sa_type=sa.Text)
    issn: str | None = Field(default=None, sa_type=sa.Text)
    keywords: list[str] = Field(default_factory=list, sa_type=JSONType)
    type: str = Field(default="other", max_length=32)
    language: str = Field(default="", sa_type=sa.Text)
    url: str = Field(default="", sa_type=sa.Text)
    raw: str = Field(default="", sa_type=sa.Text)
    # Cache of the merge state kept in duplicate_link: the kept record this one was merged into.
    duplicate_of_id: int | None = Field(
        default=None, foreign_key="record.id", index=True, ondelete="SET NULL"
    )
    study_id: int | None = Field(
        default=None, foreign_key="study.id", index=True, ondelete="SET NULL"
    )
    # Set aside before screening, with what or why (the audit log has who and when).
    removed: Removal | None = Field(default=None, sa_type=str_enum(Removal))
    removal_reason: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)


class DuplicateLink(SQLModel, table=True):
    """A scored candidate pair (``record_a_id < record_b_id``) and what was decided about it."""

    __tablename__ = "duplicate_link"
    __table_args__ = (sa.UniqueConstraint("review_id", "record_a_id", "record_b_id"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    record_a_id: int = Field(foreign_key="record.id", index=True, ondelete="CASCADE")
    record_b_id: int = Field(foreign_key="record.id", index=True, ondelete="CASCADE")
    status: DuplicateStatus = Field(sa_type=str_enum(DuplicateStatus), index=True)
    score: float = 0.0
    scores: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    reason: str = Field(default="", sa_type=sa.Text)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    decided_at: datetime | None = Field(default=None, sa_type=Timestamp)
    created_at: datetime = Field(default_factory=utc_now, sa_type=Timestamp)
