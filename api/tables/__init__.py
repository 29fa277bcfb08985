"""SQLModel tables, one module per area (each with its enums); import from here."""

from api.tables.accounts import ApiToken, LoginFailure, User
from api.tables.audit import AuditEvent
from api.tables.base import UTCDateTime, str_enum, utc_now
from api.tables.extraction import Extraction, ExtractionForm, ExtractionKind
from api.tables.jobs import Job, JobStatus
from api.tables.ratelimit import RateSlot
from api.tables.records import (
    BatchKind,
    DuplicateLink,
    DuplicateStatus,
    ImportBatch,
    Record,
    Removal,
    Study,
)
from api.tables.reviews import Membership, Review, Source, SourceKind
from api.tables.screening import (
    Decision,
    ExclusionReason,
    FullText,
    FullTextStatus,
    RecordNote,
    Resolution,
    ScreeningClaim,
    ScreeningStage,
    ScreeningState,
    StageEvent,
)

__all__ = [
    "ApiToken",
    "AuditEvent",
    "BatchKind",
    "Decision",
    "DuplicateLink",
    "DuplicateStatus",
    "ExclusionReason",
    "Extraction",
    "ExtractionForm",
    "ExtractionKind",
    "FullText",
    "FullTextStatus",
    "ImportBatch",
    "Job",
    "JobStatus",
    "LoginFailure",
    "Membership",
    "RateSlot",
    "Record",
    "RecordNote",
    "Removal",
    "Resolution",
    "Review",
    "ScreeningClaim",
    "ScreeningStage",
    "ScreeningState",
    "Source",
    "SourceKind",
    "StageEvent",
    "Study",
    "UTCDateTime",
    "User",
    "str_enum",
    "utc_now",
]
