"""Extraction forms, entries, conflicts and consensus."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FormPut(_Strict):
    """``fields``: ``[{"key", "label", "type", "options"?, "required"?, "help"?, "fields"?}]``;
    ``type`` is text, number, integer, boolean, choice, multichoice, date, or group (a repeated
    group such as arms or outcomes, whose ``fields`` each item answers)."""

    fields: list[dict[str, Any]] = Field(max_length=300)


class FormRead(BaseModel):
    id: int
    version: int
    fields: list[dict[str, Any]]
    created_at: datetime


class ValuesPut(_Strict):
    values: dict[str, Any]


class VerificationPost(_Strict):
    """Sign off the extraction as it stands (no ``values``), or give the corrected values."""

    values: dict[str, Any] | None = None


class EntryRead(BaseModel):
    id: int
    study_id: int
    form_version: int
    extractor_id: int
    kind: str
    values: dict[str, Any]
    created_at: datetime


class DifferenceRead(BaseModel):
    path: str = Field(examples=["arms[1].n"])
    label: str
    first: Any
    second: Any


class StudyExtractionRead(BaseModel):
    """A study's extraction state; ``final`` once agreed, verified or settled by consensus;
    ``mine`` is the caller's own entry (never another extractor's: dual extraction is blind)."""

    study_id: int
    state: str
    extractors: list[int]
    verifier_id: int | None = None
    final: dict[str, Any] | None = None
    mine: EntryRead | None = None


class ConflictRead(BaseModel):
    """A study whose two extractions differ; ``first``/``second`` are the extractors' ids."""

    study_id: int
    study: str
    first: int
    second: int
    differences: list[DifferenceRead]


class ExtractionExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


class ExtractionLayout(StrEnum):
    WIDE = "wide"  # one row per study; group items as arms1_name, arms2_name, ...
    LONG = "long"  # one row per study x group item x field
