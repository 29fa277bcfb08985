"""Reviews, their settings, members and sources."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from api.permissions import Role
from api.schemas.accounts import PasswordLinkRead
from api.schemas.ids import DbId
from api.schemas.text import SingleLine
from api.tables import SourceKind
from screening import model as core
from screening.extraction.compare import ExtractionMode

# The screening rules (defaults, bounds, what each setting means) are the core's
# (`screening.model.StageSettings`); this schema is their public JSON shape, and every stage it
# accepts is validated by building the core's settings from it.
_CORE = core.StageSettings()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RapidSettings(_Strict):
    calibration_size: int = Field(
        default=_CORE.calibration_size, ge=0, le=core.MAX_CALIBRATION_SIZE
    )
    dual_fraction: float = Field(default=_CORE.dual_fraction, ge=core.MIN_DUAL_FRACTION, le=1.0)
    agreement_metric: str = Field(default="kappa", pattern="^(kappa|pabak|percent_agreement)$")
    agreement_threshold: float = Field(default=_CORE.agreement_threshold, ge=-1.0, le=1.0)
    verify_single_excludes: bool = True
    extra_dual_batch: int = Field(
        default=_CORE.extra_dual_batch, ge=1, le=core.MAX_EXTRA_DUAL_BATCH
    )

    @model_validator(mode="after")
    def _what_the_gate_supports(self) -> RapidSettings:
        # The rapid gate is Cohen's kappa with every single exclusion verified (Cochrane RRMG).
        if self.agreement_metric != "kappa":
            raise ValueError("the rapid gate measures agreement with kappa only")
        if not self.verify_single_excludes:
            raise ValueError("rapid mode verifies every single exclusion (Cochrane RRMG)")
        return self


class StageSettings(_Strict):
    mode: core.Mode = _CORE.mode
    blinding: bool = _CORE.blinding
    maybe_semantics: core.MaybePolicy = _CORE.maybe_policy
    reason_mismatch_is_conflict: bool = _CORE.reason_mismatch_is_conflict
    rapid: RapidSettings = Field(default_factory=RapidSettings)

    def to_core(self) -> core.StageSettings:
        """The core's settings for this stage (`InvalidSettings` names a rule it breaks)."""
        return core.StageSettings(
            mode=self.mode,
            blinding=self.blinding,
            maybe_policy=self.maybe_semantics,
            reason_mismatch_is_conflict=self.reason_mismatch_is_conflict,
            calibration_size=self.rapid.calibration_size,
            dual_fraction=self.rapid.dual_fraction,
            agreement_threshold=self.rapid.agreement_threshold,
            extra_dual_batch=self.rapid.extra_dual_batch,
        )

    @model_validator(mode="after")
    def _the_cores_rules(self) -> StageSettings:
        try:
            self.to_core()
        except core.InvalidSettings as error:
            raise ValueError(str(error)) from None
        return self


class Keywords(_Strict):
    include: list[str] = Field(default_factory=list, max_length=500)
    exclude: list[str] = Field(default_factory=list, max_length=500)


class ExtractionSettings(_Strict):
    # dual: two extractors and a lead's consensus; or single_with_verification
    mode: ExtractionMode = ExtractionMode.DUAL


class ReviewSettings(_Strict):
    title_abstract: StageSettings = Field(default_factory=StageSettings)
    full_text: StageSettings = Field(default_factory=StageSettings)
    keywords: Keywords = Field(default_factory=Keywords)
    extraction: ExtractionSettings = Field(default_factory=ExtractionSettings)
    # Designated third reviewers (user ids) who may resolve conflicts besides the leads.
    resolvers: list[DbId] = Field(default_factory=list, max_length=100)


class ReviewCreate(_Strict):
    title: SingleLine = Field(min_length=1, max_length=500)
    description: str = Field(default="", max_length=20_000)
    settings: ReviewSettings = Field(default_factory=ReviewSettings)


class ReviewUpdate(_Strict):
    """Every field optional; ``settings`` is merged into the current settings key by key."""

    title: SingleLine | None = Field(default=None, min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=20_000)
    settings: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> ReviewUpdate:
        if self.title is None and self.description is None and self.settings is None:
            raise ValueError("nothing to update: give title, description or settings")
        return self


class ReviewRead(BaseModel):
    id: int
    title: str
    description: str
    settings: ReviewSettings
    created_at: datetime
    updated_at: datetime
    role: Role = Field(description="the caller's role in this review")


class MemberPut(_Strict):
    role: Role


class MemberInvite(_Strict):
    """A lead adds people by the email they sign in with (leads cannot list accounts)."""

    email: EmailStr
    role: Role
    # For an address without an account: the name of the invitation's new account.
    name: str | None = Field(default=None, min_length=1, max_length=200)


class MemberRead(BaseModel):
    user_id: int
    email: str
    name: str
    role: Role
    # Only when the address had no account: a one-time link to hand over (shown only once).
    invitation: PasswordLinkRead | None = None


class SourceCreate(_Strict):
    name: SingleLine = Field(min_length=1, max_length=200, examples=["Embase (Ovid)"])
    kind: SourceKind = SourceKind.DATABASE
    query: str = Field(default="", max_length=100_000)
    searched_on: date | None = None
    notes: str = Field(default="", max_length=20_000)


class SourceUpdate(_Strict):
    name: SingleLine | None = Field(default=None, min_length=1, max_length=200)
    kind: SourceKind | None = None
    query: str | None = Field(default=None, max_length=100_000)
    searched_on: date | None = None
    notes: str | None = Field(default=None, max_length=20_000)


class SourceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    review_id: int
    name: str
    kind: SourceKind
    query: str
    searched_on: date | None
    notes: str
    created_at: datetime
