"""Notes and tags on a record."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(default="", max_length=10_000)
    tags: list[str] = Field(default_factory=list, max_length=50)


class NoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    record_id: int
    user_id: int
    text: str
    tags: list[str]
    created_at: datetime
