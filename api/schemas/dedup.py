"""Deduplication as the API shows it: a run's summary, the queue of pairs, a person's decision."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.tables import DuplicateStatus


class DedupSummary(BaseModel):
    records: int = Field(description="records in the review")
    duplicates: int = Field(description="records merged into another one (kept, not deleted)")
    auto_merged: int = Field(description="pairs merged automatically (status auto)")
    pending: int = Field(description="questions waiting for a person: one per two clusters")
    new_pairs: int = Field(description="pairs this run found for the first time")


class DuplicateRecord(BaseModel):
    """One side of a pair, with its source (PRISMA counts duplicates per source)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    source_id: int
    duplicate_of_id: int | None
    title: str
    authors: list[str]
    year: int | None
    journal: str
    volume: str
    issue: str
    pages: str
    doi: str | None
    pmid: str | None
    type: str
    abstract: str


class DuplicatePair(BaseModel):
    id: int
    status: DuplicateStatus
    score: float = Field(description="title similarity 0-100, the queue is sorted by it")
    scores: dict[str, Any] = Field(description="similarity and agreement per field")
    reason: str
    decided_by_id: int | None
    decided_at: datetime | None
    record_a: DuplicateRecord
    record_b: DuplicateRecord


class DuplicatePage(BaseModel):
    items: list[DuplicatePair]
    total: int


class DuplicateDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["confirmed", "rejected"]
