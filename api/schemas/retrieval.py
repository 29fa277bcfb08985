"""Full-text retrieval: each record that passed title/abstract, and PDF file names matched."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

RetrievalState = Literal["attached", "not_retrieved", "missing"]


class RetrievalItem(BaseModel):
    record_id: int
    title: str
    authors: list[str]
    year: int | None
    journal: str
    doi: str | None
    pmid: str | None
    state: RetrievalState
    filename: str  # of the attached PDF (kept after "not retrieved" until another is attached)
    size_bytes: int
    updated_at: datetime | None


class RetrievalCounts(BaseModel):
    total: int  # records that passed title/abstract
    attached: int
    not_retrieved: int
    missing: int


class RetrievalRead(BaseModel):
    counts: RetrievalCounts
    items: list[RetrievalItem]


Filename = Annotated[str, Field(min_length=1, max_length=500)]


class MatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filenames: list[Filename] = Field(min_length=1, max_length=2000)


class MatchOption(BaseModel):
    record_id: int
    score: float
    matched_by: Literal["doi", "pmid", "pmcid", "title"]


class FileMatchRead(BaseModel):
    """``record_id`` when the file certainly belongs to that record; else ask among ``options``."""

    filename: str
    record_id: int | None
    matched_by: Literal["doi", "pmid", "pmcid", "title"] | None
    options: list[MatchOption]
