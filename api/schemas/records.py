"""Imported records as the API shows them (no screening votes: blinding is not this module's)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.schemas.ids import DbId
from api.tables import Removal
from importers.normalize import normalize_doi, normalize_pmid


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


class RecordIdentifiers(BaseModel):
    """A person's correction of a record's identifiers: give ``doi``, ``pmid`` or both; ``null``
    or ``""`` removes one. A DOI may be given as a URL or ``doi:`` form; it is stored bare."""

    model_config = ConfigDict(extra="forbid")

    doi: str | None = Field(default=None, max_length=500, examples=["10.1000/xyz123"])
    pmid: str | None = Field(default=None, max_length=50, examples=["12345678"])

    @field_validator("doi")
    @classmethod
    def _bare_doi(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        doi = normalize_doi(value)
        if doi is None:
            raise ValueError(f"{value!r} is not a DOI (expected 10.<prefix>/<suffix>)")
        return doi

    @field_validator("pmid")
    @classmethod
    def _numeric_pmid(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        pmid = normalize_pmid(value)
        if pmid is None:
            raise ValueError(f"{value!r} is not a PubMed id (expected digits)")
        return pmid

    @model_validator(mode="after")
    def _something_to_change(self) -> RecordIdentifiers:
        if not self.model_fields_set:
            raise ValueError("give doi, pmid or both")
        return self
