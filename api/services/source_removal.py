"""Taking back a mistake before screening: an import made into the wrong source, with its
records, and a source nobody imported into."""

from __future__ import annotations

from sqlmodel import Session

from api.repositories.imports import BatchRemovalRepository
from api.repositories.jobs import JobRepository
from api.services.audit import record_event
from api.services.errors import Conflict, NotFound
from api.services.reviews import get_source
from api.tables import JobStatus, Review, User

_UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


def remove_import(session: Session, review: Review, actor: User, batch_id: int) -> int:
    """Delete an import and its records; refused once any of them was screened, and while a
    PubMed import is still running. Answers how many records went."""
    assert review.id is not None
    repo = BatchRemovalRepository(session)
    batch = repo.batch(review.id, batch_id)
    if batch is None:
        raise NotFound("import", batch_id)
    job = JobRepository(session).get(batch.job_id) if batch.job_id is not None else None
    if job is not None and job.status in _UNFINISHED:
        raise Conflict("this PubMed import is still running; wait for it to finish")
    screened = repo.screened_records(batch_id)
    if screened:
        raise Conflict(
            f"{screened} record{'s' if screened != 1 else ''} of this import "
            f"{'have' if screened != 1 else 'has'} screening decisions; an import can only be "
            "removed before screening (exclude its records through screening instead)"
        )
    details = {
        "source_id": batch.source_id,
        "filename": batch.filename,
        "query": batch.query,
        "records_imported": batch.records_imported,
    }
    removed = repo.delete_batch(batch)
    record_event(
        session,
        actor=actor,
        action="import.remove",
        review_id=review.id,
        target=f"import_batch:{batch_id}",
        details={**details, "records_removed": removed},
    )
    return removed


def remove_source(session: Session, review: Review, actor: User, source_id: int) -> None:
    """Delete a source with no imports (remove those first, which checks they were unscreened)."""
    assert review.id is not None
    source = get_source(session, review, source_id)
    repo = BatchRemovalRepository(session)
    imports = repo.batch_count(source_id)
    if imports:
        raise Conflict(
            f"the source {source.name!r} has {imports} import{'s' if imports != 1 else ''}; "
            "remove {0} first".format("them" if imports != 1 else "it")
        )
    repo.delete_source(source)
    record_event(
        session,
        actor=actor,
        action="source.remove",
        review_id=review.id,
        target=f"source:{source_id}",
        details={"name": source.name},
    )
