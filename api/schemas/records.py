"""Imported records as the API shows them (no screening votes: blinding is not this module's)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.ids import DbId
from api.tables import Removal


class RecordRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    review_id: int
    batch_id: int
    source_id: int
    record_number: int
    line: int
    title: str
    abstract: str
    authors: list[str]
    year: int | None
    journal: str
    volume: str
    issue: str
    pages: str
    doi: str | None
    pmid: str | None
    pmcid: str | None
    isbn: str | None
    issn: str | None
    keywords: list[str]
    type: str
    language: str
    url: str
    duplicate_of_id: int | None
    study_id: int | None
    removed: Removal | None = None
    removal_reason: str | None = None
    created_at: datetime


class RecordDetail(RecordRead):
    """One record with its source text exactly as it was in the imported file."""

    raw: str


class RecordPage(BaseModel):
    items: list[RecordRead]
    total: int


class RecordRemoval(BaseModel):
    """Records set aside before screening: by an automation tool, or for another reason."""

    model_config = ConfigDict(extra="forbid")

    record_ids: list[DbId] = Field(min_length=1, max_length=10_000)
    removed: Removal
    reason: str = Field(
        min_length=1,
        max_length=1000,
        pattern=r"\S",
        description="the tool and its setting, or the reason (e.g. 'published before 2000')",
    )


class RecordRestore(BaseModel):
    model_config = ConfigDict(extra="forbid")

    record_ids: list[DbId] = Field(min_length=1, max_length=10_000)


class RemovalResult(BaseModel):
    records: int
