"""Screening vocabulary: stages, votes, modes, decision events and validated review settings.

Pure values only; the API stores and loads them. Errors raised here map to HTTP 4xx in `api/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

RecordId = int
ReviewerId = int

MIN_DUAL_FRACTION = 0.2  # Cochrane RRMG: dual-screen at least 20% of records (DOMAIN.md §2.2)
# Upper bounds that keep one review's settings from asking for absurd amounts of work.
MAX_CALIBRATION_SIZE = 1000
MAX_EXTRA_DUAL_BATCH = 10_000


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
    """The final word on a record at a stage, by a lead or a designated third reviewer.

    A ``withdrawn`` one is an undo: it records who took the resolution it supersedes back, and
    leaves the record as its votes say (nothing is deleted)."""

    seq: int
    record_id: RecordId
    stage: Stage
    vote: Vote
    resolver_id: ReviewerId
    reason: str
    at: datetime
    reason_id: int | None = None
    withdrawn: bool = False


@dataclass(frozen=True, slots=True)
class StageSettings:
    """How one stage is screened. The rapid fields matter only when ``mode`` is rapid."""

    mode: Mode = Mode.DUAL
    blinding: bool = True
    maybe_policy: MaybePolicy = MaybePolicy.INCLUDE
    # Covidence at full text: two exclusions with different reasons must be reconciled.
    reason_mismatch_is_conflict: bool = False
    calibration_size: int = 30  # DOMAIN.md §2.5: a pilot set of 30 to 50 records
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
        _check_int(self.calibration_size, "calibration_size", 0, MAX_CALIBRATION_SIZE)
        _check_int(self.extra_dual_batch, "extra_dual_batch", 1, MAX_EXTRA_DUAL_BATCH)
        fraction = _number(self.dual_fraction, "dual_fraction")
        if not MIN_DUAL_FRACTION <= fraction <= 1:
            raise InvalidSettings(
                f"dual_fraction must be between {MIN_DUAL_FRACTION} and 1 "
                f"(Cochrane RRMG: at least 20% dual-screened), got {fraction}"
            )
        threshold = _number(self.agreement_threshold, "agreement_threshold")
        if not -1 <= threshold <= 1:
            raise InvalidSettings(
                f"agreement_threshold is a kappa and must be in [-1, 1], got {threshold}"
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


def _check_enum(obj: object, name: str, enum: type[StrEnum]) -> None:
    value = getattr(obj, name)
    try:
        object.__setattr__(obj, name, enum(value))
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidSettings(f"{name} must be one of {allowed}, got {value!r}") from None


def _check_int(value: object, name: str, minimum: int, maximum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidSettings(
            f"{name} must be an integer >= {minimum} and <= {maximum}, got {value!r}"
        )


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidSettings(f"{name} must be a number, got {value!r}")
    return float(value)
