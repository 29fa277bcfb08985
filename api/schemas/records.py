"""Imported records as the API shows them (no screening votes: blinding is not this module's)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator

from api.schemas.ids import DbId
from api.tables import BatchKind, DuplicateStatus, Removal, SourceKind
from importers.dedup.identifiers import central_accession
from importers.normalize import normalize_doi, normalize_pmid
from screening.decisions import RecordState
from screening.model import Stage


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

    @computed_field(description="the accession when the DOI field holds a Cochrane CENTRAL entry")
    def central_accession(self) -> str | None:
        return central_accession(self.doi)


class RecordListItem(RecordRead):
    merged: int = Field(0, description="how many records are merged into this one")


class RecordDetail(RecordRead):
    """One record with its source text exactly as it was in the imported file."""

    raw: str


class RecordPage(BaseModel):
    items: list[RecordListItem]
    total: int


class RecordBrief(BaseModel):
    """Another record named in a record's history."""

    id: int
    title: str
    year: int | None
    source_id: int
    source: str = Field(description="the source's name")
    doi: str | None
    pmid: str | None
    duplicate_of_id: int | None


class ImportOriginRead(BaseModel):
    """The import a record came in: its source, its file (or PubMed search), when and by whom."""

    batch_id: int
    source_id: int
    source: str
    source_kind: SourceKind
    kind: BatchKind
    filename: str
    format: str
    query: str
    imported_at: datetime
    imported_by: str | None
    records_imported: int
    record_number: int = Field(description="the record's position in its file, from 1")
    line: int


class MergeEvent(BaseModel):
    """A merge of two records of the record's group, or a person's word keeping two apart."""

    pair_id: int
    status: DuplicateStatus
    record_a: RecordBrief
    record_b: RecordBrief
    by: str | None = Field(description="who decided; null for the matcher's automatic merges")
    at: datetime = Field(description="when a person decided, or when the matcher found it")


class IdentifierChange(BaseModel):
    at: datetime
    by: str | None
    field: str
    before: str | None
    after: str | None


class RemovalEvent(BaseModel):
    at: datetime
    by: str | None
    restored: bool = Field(description="false: removed before screening; true: brought back")
    removed: Removal | None
    reason: str | None


class RecordHistory(BaseModel):
    """A record's story: where it came from, what it was merged with, what people changed.
    Screening votes are not part of it (blinding belongs to screening)."""

    record: RecordDetail
    origin: ImportOriginRead
    merged_into: RecordBrief | None = Field(description="the record kept for its study, if not it")
    group: list[RecordBrief] = Field(description="the other records merged with it")
    merges: list[MergeEvent]
    identifier_changes: list[IdentifierChange]
    removals: list[RemovalEvent]


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


# The records browser's filter, as a request builds it and the repository reads it.


class DuplicatesShown(enum.StrEnum):
    """Which records a list shows by their merge state."""

    INCLUDE = "include"  # every record
    EXCLUDE = "exclude"  # unique records: each study's kept record, and records merged nowhere
    ONLY = "only"  # the merged duplicates alone


class StageDecision(enum.StrEnum):
    """A record's stored status at a stage, as the records browser filters it."""

    INCLUDED = "included"
    EXCLUDED = "excluded"
    CONFLICT = "conflict"  # disagreement, or a full-text *maybe*: for a lead
    AWAITING = "awaiting"  # rapid: a single exclusion awaits its check, or the dual-set gate
    NEEDS_VOTES = "needs_votes"

    @property
    def states(self) -> tuple[RecordState, ...]:
        return _DECISION_STATES[self]

    @property
    def settled(self) -> bool:
        return self in (StageDecision.INCLUDED, StageDecision.EXCLUDED)


_DECISION_STATES = {
    StageDecision.INCLUDED: (RecordState.INCLUDED,),
    StageDecision.EXCLUDED: (RecordState.EXCLUDED,),
    StageDecision.CONFLICT: (RecordState.CONFLICT, RecordState.UNDECIDED),
    StageDecision.AWAITING: (RecordState.AWAITING_VERIFICATION, RecordState.AWAITING_GATE),
    StageDecision.NEEDS_VOTES: (RecordState.NEEDS_VOTES,),
}


@dataclass(frozen=True, slots=True)
class NoteLabel:
    """A note's tag to look for. With ``own_only_before_settled`` (blinding), another person's
    note counts only once the record's title/abstract stage is settled, as the notes read."""

    tag: str
    viewer_id: int
    own_only_before_settled: bool


@dataclass(frozen=True, slots=True)
class RecordFilter:
    source_id: int | None = None
    batch_id: int | None = None
    title_contains: str | None = None
    year: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    removed: bool | None = None  # True: only records removed before screening; False: none
    duplicates: DuplicatesShown = DuplicatesShown.INCLUDE
    # Every term must be found in the title, abstract, an author, the DOI or the PMID.
    search: tuple[str, ...] = ()
    stage: Stage | None = None  # at this stage now (reached it, not a duplicate, not removed)
    decision: StageDecision | None = None  # at ``stage``, or at either stage without one
    label: NoteLabel | None = None
