"""Studies as the API shows them: each with its reports (records)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.ids import DbId


class ReportsLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    record_ids: list[DbId] = Field(min_length=1, max_length=1000)


class StudyReport(BaseModel):
    record_id: int
    title: str
    year: int | None
    doi: str | None


class StudyRead(BaseModel):
    id: int
    label: str
    included: bool  # a report is included at full text
    reports: list[StudyReport]


class StudyPage(BaseModel):
    items: list[StudyRead]
    total: int
