"""Imports: a reference file or a PubMed query into a source, all its records or none."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api import jobs
from api.ratelimit import ncbi_limiter
from api.repositories.accounts import UserRepository
from api.repositories.imports import ImportBatchRepository
from api.repositories.jobs import JobRepository
from api.repositories.records import RecordRepository
from api.repositories.reviews import SourceRepository
from api.schemas.imports import ImportReport, PubmedImportCreate
from api.services.audit import record_event
from api.services.errors import Conflict, NotFound
from api.tables import BatchKind, ImportBatch, Job, Review, Source, User
from importers.model import Outcome, ParseResult, RecordNote, Reference
from importers.pubmed import EutilsClient, search_and_fetch
from importers.registry import parse_bytes

PUBMED_JOB = "import.pubmed"
EUTILS_TOOL = "winnow"
# efetch of a few hundred full records can take a while on a busy NCBI day.
EUTILS_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class ParsedImport:
    """Everything parsed from one upload or query, ready to be stored as one batch."""

    format: str
    encoding: str
    references: tuple[Reference, ...]
    notes: tuple[RecordNote, ...]

    @classmethod
    def of(cls, result: ParseResult) -> ParsedImport:
        return cls(result.format, result.encoding, result.references, result.notes)


def find_source(session: Session, review: Review, source_id: int) -> Source:
    """The review's source *source_id*; another review's source is not found (404)."""
    assert review.id is not None
    source = SourceRepository(session).get(review.id, source_id)
    if source is None:
        raise NotFound("source", source_id)
    return source


def import_file(
    session: Session,
    review: Review,
    actor: User | None,
    *,
    source_id: int,
    filename: str,
    data: bytes,
    format: str = "auto",
) -> ImportReport:
    """Parse *data* and store its accepted records in one batch; the same file twice is a no-op.

    Raises ImportFormatError (422) when the bytes are not a reference file."""
    source = find_source(session, review, source_id)
    assert source.id is not None
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = ImportBatchRepository(session).by_sha256(source.id, sha256)
    if earlier is not None:
        return report_of(earlier, already_imported=True)
    parsed = ParsedImport.of(parse_bytes(data, format=format))
    batch = ImportBatch(
        review_id=source.review_id,
        source_id=source.id,
        kind=BatchKind.FILE,
        filename=filename[:500],
        sha256=sha256,
        created_by_id=actor.id if actor else None,
        format=parsed.format,
    )
    return report_of(store_batch(session, batch, parsed, actor=actor))


def store_batch(
    session: Session, batch: ImportBatch, parsed: ParsedImport, *, actor: User | None
) -> ImportBatch:
    """Insert *batch* with the report of *parsed* and all its accepted records (flush only)."""
    batch.format = parsed.format
    batch.encoding = parsed.encoding[:32]
    batch.records_total = len(parsed.notes)
    batch.records_rejected = sum(1 for note in parsed.notes if note.outcome is Outcome.REJECTED)
    batch.records_imported = len(parsed.references)
    batch.warnings = [
        _warning(note) for note in parsed.notes if note.outcome is not Outcome.ACCEPTED
    ]
    try:
        ImportBatchRepository(session).add(batch)
    except IntegrityError as exc:  # a concurrent upload of the same file won the race
        raise Conflict("this file is being imported into this source right now") from exc
    RecordRepository(session).insert_batch(batch, parsed.references)
    record_event(
        session,
        actor=actor,
        action="import.create",
        review_id=batch.review_id,
        target=f"import_batch:{batch.id}",
        details=_audit_details(batch),
    )
    return batch


def _warning(note: RecordNote) -> dict[str, Any]:
    return {
        "record": note.record,
        "line": note.line,
        "message": note.message,
        "outcome": note.outcome.value,
    }


def _audit_details(batch: ImportBatch) -> dict[str, Any]:
    details: dict[str, Any] = {
        "source_id": batch.source_id,
        "kind": batch.kind.value,
        "format": batch.format,
        "records_imported": batch.records_imported,
        "records_rejected": batch.records_rejected,
    }
    if batch.filename:
        details["filename"] = batch.filename
    if batch.query:
        details["query"] = batch.query
    return details


def report_of(batch: ImportBatch, *, already_imported: bool = False) -> ImportReport:
    report = ImportReport.model_validate(batch)
    report.already_imported = already_imported
    return report


def list_imports(session: Session, review: Review) -> list[ImportReport]:
    assert review.id is not None
    return [report_of(batch) for batch in ImportBatchRepository(session).for_review(review.id)]


def merge_results(results: Iterable[ParseResult], *, format: str) -> ParsedImport:
    """One report over several documents (PubMed's efetch batches): records numbered on."""
    references: list[Reference] = []
    notes: list[RecordNote] = []
    encoding = "utf-8"
    for result in results:
        offset = len(notes)
        encoding = result.encoding
        notes.extend(_renumbered_note(note, offset) for note in result.notes)
        references.extend(_renumbered(reference, offset) for reference in result.references)
    return ParsedImport(format, encoding, tuple(references), tuple(notes))


def _renumbered_note(note: RecordNote, offset: int) -> RecordNote:
    return RecordNote(note.record + offset, note.line, note.outcome, note.message)


def _renumbered(reference: Reference, offset: int) -> Reference:
    return replace(reference, record_number=reference.record_number + offset)


def start_pubmed_import(
    session: Session, review: Review, actor: User, data: PubmedImportCreate
) -> Job:
    """Queue a PubMed search into one of the review's sources; the job stores one batch."""
    source = find_source(session, review, data.source_id)
    params = {
        "query": data.query,
        "source_id": source.id,
        "mindate": data.mindate,
        "maxdate": data.maxdate,
    }
    job = jobs.submit(session, kind=PUBMED_JOB, review_id=review.id, params=params, user=actor)
    record_event(
        session,
        actor=actor,
        action="import.pubmed.start",
        review_id=review.id,
        target=f"job:{job.id}",
        details={"source_id": source.id, "query": data.query},
    )
    return job


def run_pubmed_import(
    engine: Engine, job_id: int, params: dict[str, Any], progress: jobs.Progress
) -> dict[str, Any]:
    """The job: search and fetch through E-utilities, parse, then store all in one transaction."""
    settings = jobs.job_settings()
    with httpx.Client(timeout=httpx.Timeout(EUTILS_TIMEOUT_SECONDS)) as http:
        client = EutilsClient(
            http,
            email=settings.ncbi_email,
            tool=EUTILS_TOOL,
            api_key=settings.ncbi_api_key or None,
            base_url=settings.eutils_url,
            limiter=ncbi_limiter(engine, api_key=settings.ncbi_api_key),
        )
        documents = search_and_fetch(
            client,
            params["query"],
            mindate=params.get("mindate"),
            maxdate=params.get("maxdate"),
            on_progress=lambda step: progress(step.done, step.total),
        )
        parsed = merge_results(
            (parse_bytes(xml, format="pubmed-xml") for xml in documents), format="pubmed-xml"
        )
    return _store_pubmed_batch(engine, job_id, params, parsed)


def _store_pubmed_batch(
    engine: Engine, job_id: int, params: dict[str, Any], parsed: ParsedImport
) -> dict[str, Any]:
    with Session(engine) as session, session.begin():
        job = JobRepository(session).get(job_id)
        source = (
            SourceRepository(session).get(job.review_id, params["source_id"])
            if job is not None and job.review_id is not None
            else None
        )
        if job is None or source is None:
            raise NotFound("source", params["source_id"])  # deleted while the job ran
        actor = UserRepository(session).get(job.created_by_id) if job.created_by_id else None
        batch = ImportBatch(
            review_id=source.review_id,
            source_id=params["source_id"],
            kind=BatchKind.PUBMED,
            query=params["query"],
            job_id=job_id,
            created_by_id=job.created_by_id,
            format=parsed.format,
        )
        store_batch(session, batch, parsed, actor=actor)
        result = {
            "import_id": batch.id,
            "records_total": batch.records_total,
            "records_imported": batch.records_imported,
            "records_rejected": batch.records_rejected,
        }
        jobs.mark_succeeded(session, job_id, result)
    return result


jobs.register_handler(PUBMED_JOB, run_pubmed_import)
