"""Screening vocabulary: stages, votes, modes, decision events and validated review settings.

Pure values only; the API stores and loads them. Errors raised here map to HTTP 4xx in `api/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum

RecordId = int
ReviewerId = int

MIN_DUAL_FRACTION = 0.2  # Cochrane RRMG: dual-screen at least 20% of records (DOMAIN.md §2.2)


class ScreeningError(Exception):
    """Base of every screening domain error (the API maps it to 422)."""


class InvalidSettings(ScreeningError):
    """Review or stage settings that break a rule; the message names the field."""


class InvalidDecision(ScreeningError):
    """A vote or resolution that cannot be recorded (missing or unknown reason, wrong stage)."""


class NotPermitted(ScreeningError):
    """The caller's role in the review does not allow the action (the API maps it to 403)."""


class InvalidTransition(ScreeningError):
    """A record cannot move from its status to the requested one (the API maps it to 409)."""


class Stage(StrEnum):
    TITLE_ABSTRACT = "title_abstract"
    FULL_TEXT = "full_text"


class Vote(StrEnum):
    INCLUDE = "include"
    EXCLUDE = "exclude"
    MAYBE = "maybe"


class Mode(StrEnum):
    DUAL = "dual"  # two independent, blinded votes per record (the default)
    SINGLE = "single"  # one vote settles a record
    RAPID = "rapid"  # Cochrane RRMG: calibration, dual fraction until agreement, then single


class MaybePolicy(StrEnum):
    """How a *maybe* vote counts in conflicts (DOMAIN.md §3.2 `maybe_semantics`)."""

    INCLUDE = "include"  # Covidence: maybe counts as include
    NEUTRAL = "neutral"  # Rayyan: only include against exclude is a conflict
    CONFLICT = "conflict"  # SRDR+: any maybe among two or more votes is a conflict


@dataclass(frozen=True, slots=True)
class DecisionEvent:
    """One vote, never edited: a changed vote is a new event whose ``supersedes`` names the old.

    ``seq`` is the event's position in the review's log (the database id); it orders events.
    """

    seq: int
    record_id: RecordId
    reviewer_id: ReviewerId
    stage: Stage
    vote: Vote
    at: datetime
    reason_id: int | None = None
    note: str = ""
    supersedes: int | None = None


@dataclass(frozen=True, slots=True)
class Resolution:
    """The final word on a record at a stage, by a lead or a designated third reviewer."""

    seq: int
    record_id: RecordId
    stage: Stage
    vote: Vote
    resolver_id: ReviewerId
    reason: str
    at: datetime
    reason_id: int | None = None


@dataclass(frozen=True, slots=True)
class StageSettings:
    """How one stage is screened. The rapid fields matter only when ``mode`` is rapid."""

    mode: Mode = Mode.DUAL
    blinding: bool = True
    maybe_policy: MaybePolicy = MaybePolicy.INCLUDE
    # Covidence at full text: two exclusions with different reasons must be reconciled.
    reason_mismatch_is_conflict: bool = False
    calibration_size: int = 40
    dual_fraction: float = MIN_DUAL_FRACTION
    agreement_threshold: float = 0.6
    # Records added to the dual set each time agreement is still below the threshold.
    extra_dual_batch: int = 50

    def __post_init__(self) -> None:
        _check_enum(self, "mode", Mode)
        _check_enum(self, "maybe_policy", MaybePolicy)
        if not isinstance(self.blinding, bool):
            raise InvalidSettings(f"blinding must be true or false, got {self.blinding!r}")
        if not isinstance(self.reason_mismatch_is_conflict, bool):
            raise InvalidSettings("reason_mismatch_is_conflict must be true or false")
        _check_int(self.calibration_size, "calibration_size", minimum=0)
        _check_int(self.extra_dual_batch, "extra_dual_batch", minimum=1)
        fraction = _number(self.dual_fraction, "dual_fraction")
        if not MIN_DUAL_FRACTION <= fraction <= 1:
            raise InvalidSettings(
                f"dual_fraction must be between {MIN_DUAL_FRACTION} and 1 "
                f"(Cochrane RRMG: at least 20% dual-screened), got {fraction}"
            )
        threshold = _number(self.agreement_threshold, "agreement_threshold")
        if not -1 < threshold <= 1:
            raise InvalidSettings(
                f"agreement_threshold is a kappa and must be in (-1, 1], got {threshold}"
            )


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    """Per-stage screening settings plus the keywords highlighted in titles and abstracts."""

    title_abstract: StageSettings = field(default_factory=StageSettings)
    full_text: StageSettings = field(default_factory=StageSettings)
    include_keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("include_keywords", "exclude_keywords"):
            words = getattr(self, name)
            if not isinstance(words, tuple):
                raise InvalidSettings(f"{name} must be a list of strings")
            for position, word in enumerate(words):
                if not isinstance(word, str) or not word.strip(" *"):
                    raise InvalidSettings(f"{name}[{position}] must be a non-empty word or phrase")

    def for_stage(self, stage: Stage) -> StageSettings:
        return self.title_abstract if stage is Stage.TITLE_ABSTRACT else self.full_text

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ReviewSettings:
        """Build from JSON-shaped settings (as stored or PATCHed); unknown keys are errors."""
        _reject_unknown(data, {f.name for f in fields(cls)}, "settings")
        stages = {
            stage.value: _stage_from_dict(data.get(stage.value, {}), stage) for stage in Stage
        }
        return cls(
            title_abstract=stages[Stage.TITLE_ABSTRACT.value],
            full_text=stages[Stage.FULL_TEXT.value],
            include_keywords=_keywords(data.get("include_keywords", ()), "include_keywords"),
            exclude_keywords=_keywords(data.get("exclude_keywords", ()), "exclude_keywords"),
        )

    def to_dict(self) -> dict[str, object]:
        return {
            Stage.TITLE_ABSTRACT.value: _stage_to_dict(self.title_abstract),
            Stage.FULL_TEXT.value: _stage_to_dict(self.full_text),
            "include_keywords": list(self.include_keywords),
            "exclude_keywords": list(self.exclude_keywords),
        }


def _stage_from_dict(raw: object, stage: Stage) -> StageSettings:
    if not isinstance(raw, Mapping):
        raise InvalidSettings(f"settings.{stage.value} must be an object")
    _reject_unknown(raw, {f.name for f in fields(StageSettings)}, f"settings.{stage.value}")
    try:
        return StageSettings(**{str(k): v for k, v in raw.items()})
    except InvalidSettings as error:
        raise InvalidSettings(f"settings.{stage.value}.{error}") from None


def _stage_to_dict(stage: StageSettings) -> dict[str, object]:
    return {f.name: getattr(stage, f.name) for f in fields(stage)}


def _keywords(raw: object, name: str) -> tuple[str, ...]:
    if isinstance(raw, str) or not isinstance(raw, list | tuple):
        raise InvalidSettings(f"{name} must be a list of strings")
    return tuple(raw)


def _reject_unknown(data: Mapping[str, object], known: set[str], where: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidSettings(f"{where}: unknown key(s) {', '.join(unknown)}")


def _check_enum(obj: object, name: str, enum: type[StrEnum]) -> None:
    value = getattr(obj, name)
    try:
        object.__setattr__(obj, name, enum(value))
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidSettings(f"{name} must be one of {allowed}, got {value!r}") from None


def _check_int(value: object, name: str, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidSettings(f"{name} must be an integer >= {minimum}, got {value!r}")


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidSettings(f"{name} must be a number, got {value!r}")
    return float(value)
