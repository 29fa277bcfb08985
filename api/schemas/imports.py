"""Import batches and their per-record reports, as the API shows them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.schemas.ids import DbId
from api.tables import BatchKind
from importers.pubmed import parse_pubmed_date


class ImportWarning(BaseModel):
    """One record that was repaired or rejected: where it is in the file and what happened."""

    record: int
    line: int
    message: str
    outcome: str = Field(description="'repaired' (imported) or 'rejected' (not imported)")


class ImportReport(BaseModel):
    """What an import did with every record of a file or PubMed query."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    source_id: int
    kind: BatchKind
    format: str
    encoding: str
    filename: str
    query: str
    sha256: str | None
    records_total: int
    records_imported: int
    records_rejected: int
    warnings: list[ImportWarning]
    job_id: int | None
    created_at: datetime
    already_imported: bool = Field(
        default=False,
        description="true when this exact file was imported into this source before: "
        "nothing was added and this is the earlier import's report",
    )


class PubmedImportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=20_000, examples=["exercise AND low back pain"])
    source_id: DbId
    mindate: str | None = Field(default=None, examples=["2015", "2015/06", "2015/06/30"])
    maxdate: str | None = Field(default=None, examples=["2024/12/31"])

    @field_validator("query")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the query must not be blank")
        return value.strip()

    @field_validator("mindate", "maxdate")
    @classmethod
    def _pubmed_date(cls, value: str | None) -> str | None:
        if value is not None:
            parse_pubmed_date(value)  # ValueError says which forms are accepted
        return value


class ImportRemoved(BaseModel):
    records_removed: int
