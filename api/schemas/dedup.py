"""Deduplication as the API shows it: a run's summary, the queue of pairs, a person's decision."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from api.tables import DuplicateStatus
from importers.dedup.identifiers import central_accession


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

    @computed_field(description="the accession when the DOI field holds a Cochrane CENTRAL entry")
    def central_accession(self) -> str | None:
        return central_accession(self.doi)


class DuplicatePair(BaseModel):
    id: int
    status: DuplicateStatus
    score: float = Field(description="title similarity 0-100, the queue is sorted by it")
    scores: dict[str, Any] = Field(description="similarity and agreement per field")
    reason: str = Field(description="the matcher's own reason, with its scores")
    decided_by_id: int | None
    decided_by: str | None = Field(
        default=None, description="the name of who decided; null for the matcher and the queue"
    )
    decided_at: datetime | None
    record_a: DuplicateRecord
    record_b: DuplicateRecord
    explanation: list[str] = Field(
        default_factory=list,
        description="queue only: why the matcher asks a person, and what agrees, in plain words",
    )
    group_a: list[DuplicateRecord] = Field(
        default_factory=list,
        description="queue only: the other records already merged with record_a (a confirm "
        "merges both groups whole)",
    )
    group_b: list[DuplicateRecord] = Field(
        default_factory=list, description="queue only: the same for record_b"
    )


class DuplicatePage(BaseModel):
    items: list[DuplicatePair]
    total: int


class DuplicateDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["confirmed", "rejected"]
