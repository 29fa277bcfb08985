"""Screening requests and responses: votes, the next record, conflicts, agreement, progress."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.ids import DbId
from api.schemas.notes import NoteRead
from api.schemas.text import SingleLine
from screening.decisions import RecordState
from screening.keywords import Field as SpanField
from screening.keywords import KeywordKind
from screening.model import Stage, Vote


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VoteCreate(_Strict):
    stage: Stage
    decision: Vote
    reason_id: DbId | None = None
    note: str = Field(default="", max_length=10_000)


class VoteRead(BaseModel):
    id: int
    record_id: int
    reviewer_id: int
    stage: Stage
    decision: Vote
    reason_id: int | None
    note: str
    supersedes_id: int | None
    created_at: datetime


class VoteOutcome(BaseModel):
    vote: VoteRead
    recorded: bool = Field(description="false when the vote repeated the current one")


class SpanRead(BaseModel):
    field: SpanField
    start: int
    end: int
    kind: KeywordKind
    keyword: str


class RecordCard(BaseModel):
    """A record as a screener sees it: no one else's vote."""

    id: int
    title: str
    abstract: str
    authors: list[str]
    year: int | None
    journal: str
    doi: str | None
    pmid: str | None
    keywords: list[str]
    spans: list[SpanRead]


class NextRecord(BaseModel):
    stage: Stage
    record: RecordCard
    prioritised: bool = Field(description="true when the order came from the trained ranker")


class ResolutionCreate(_Strict):
    stage: Stage
    decision: Vote
    reason: str = Field(default="", max_length=10_000, description="why, as recorded (optional)")
    reason_id: DbId | None = None


class ResolutionRead(BaseModel):
    id: int
    record_id: int
    stage: Stage
    decision: Vote
    reason: str
    reason_id: int | None
    resolver_id: int
    supersedes_id: int | None
    created_at: datetime
    withdrawn: bool = Field(default=False, description="true for an undo of the superseded one")


class ConflictRead(BaseModel):
    """A record for the caller to resolve. Blinding is for the screeners: the resolver sees
    every current vote with its reason and note, and every note on the record."""

    record_id: int
    title: str
    state: RecordState
    why: str
    voters: list[int] = Field(description="who voted")
    votes: list[VoteRead] = Field(description="each voter's current vote")
    notes: list[NoteRead] = Field(default_factory=list, description="notes on the record")


class ConflictPage(BaseModel):
    """One page of the records awaiting the caller's decision; `total` counts them all."""

    items: list[ConflictRead]
    total: int


class OwnVoteRead(VoteRead):
    title: str


class OwnVotesRead(BaseModel):
    items: list[OwnVoteRead]
    total: int


class AgreementFigures(BaseModel):
    n: int
    percent_agreement: float | None
    kappa: float | None
    pabak: float | None
    kappa_note: str = ""
    kappa_se: float | None = None
    kappa_ci95: tuple[float, float] | None = None
    conflicts: int = 0
    prevalence_index: float | None = None
    bias_index: float | None = None
    gwet_ac1: float | None = None


class PairRead(AgreementFigures):
    reviewers: tuple[int, int]


class FleissRead(BaseModel):
    n_items: int
    raters_per_item: int
    kappa: float | None
    note: str


class AgreementRead(AgreementFigures):
    stage: Stage
    band: str
    maybe_as_include: bool
    settled_only: bool = Field(description="true when blinding limits you to settled records")
    left_out: int = Field(
        default=0,
        description="records rated by two that these figures leave out until they are settled"
        " (blinding; open conflicts are among them)",
    )
    pairs: list[PairRead]
    fleiss: FleissRead | None


class ReviewerProgressRead(BaseModel):
    reviewer_id: int
    done: int
    to_do: int
    conflicts: int


class RapidRead(BaseModel):
    opened: bool
    opened_at: datetime | None
    calibration: int
    dual: int
    kappa: float | None
    batches_added: int


class StoppingRead(BaseModel):
    point: float | None
    lower: int
    upper: int
    confidence: float
    unscreened: int
    sample_size: int
    relevant_in_sample: int
    method: str
    caveat: str


class StageProgressRead(BaseModel):
    mode: str
    total: int
    by_state: dict[RecordState, int]
    conflicts: int
    reviewers: list[ReviewerProgressRead]
    rapid: RapidRead | None
    stopping: StoppingRead


class ProgressRead(BaseModel):
    title_abstract: StageProgressRead
    full_text: StageProgressRead


class ReasonCreate(_Strict):
    stage: Stage
    label: SingleLine = Field(min_length=1, max_length=200)


class ReasonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    stage: Stage
    label: str
    position: int


class NotRetrieved(_Strict):
    status: Literal["not_retrieved"]


class FullTextRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    record_id: int
    status: str
    filename: str
    sha256: str | None
    size_bytes: int
    updated_at: datetime


class MethodsRead(BaseModel):
    text: str
