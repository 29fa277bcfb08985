"""PRISMA 2020 reports and reference exports."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class NamedCountRead(BaseModel):
    label: str
    n: int


class ViolationRead(BaseModel):
    rule: str = Field(examples=["D6"])
    severity: str = Field(examples=["error"])
    message: str
    keys: list[str]
    expected: int | None
    actual: int | None


class PrismaRead(BaseModel):
    """The PRISMA 2020 counts keyed by the PRISMA2020 package's ``data`` names, and every broken
    identity (DOMAIN.md 1.5): an empty ``violations`` list means the numbers add up."""

    counts: dict[str, int | list[NamedCountRead] | None]
    duplicates_by_source: list[NamedCountRead]
    derived: dict[str, int]
    violations: list[ViolationRead]


class ExportFormat(StrEnum):
    RIS = "ris"
    CSV = "csv"


class ExportStatus(StrEnum):
    INCLUDED = "included"
    EXCLUDED = "excluded"
    ALL = "all"


class PrismaFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    SVG = "svg"
