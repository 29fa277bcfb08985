"""Studies, the units of analysis: each kept record is a study of one (created when the record
is stored, see StudyRepository.add_studies_of_one) until a lead links reports together."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from api.repositories.rows import save
from api.repositories.studies import StudyRepository
from api.schemas.studies import StudyPage, StudyRead, StudyReport
from api.services.audit import record_event
from api.services.errors import Conflict, NotFound
from api.services.screening.state import positions
from api.services.screening.votes import get_record
from api.tables import Record, Review, Study, User
from screening.workflow import Position


def page(session: Session, review: Review, status: str, *, limit: int, offset: int) -> StudyPage:
    """A page of studies with their reports; ``status="included"``
    keeps those included at full text. Reads only."""
    assert review.id is not None
    repo = StudyRepository(session)
    included_records = _included_records(session, review)
    only = repo.study_ids_of(included_records) if status == "included" else None
    studies, total = repo.page(review.id, only=only, limit=limit, offset=offset)
    return StudyPage(items=_with_reports(repo, studies, included_records), total=total)


def one(session: Session, review: Review, study_id: int) -> StudyRead:
    """One study with its reports (404 when it has none left: merged or removed)."""
    repo = StudyRepository(session)
    study = _get(session, review, study_id)
    found = _with_reports(repo, [study], _included_records(session, review))
    if not found:
        raise NotFound("study", study_id)
    return found[0]


def link_reports(
    session: Session, review: Review, actor: User, study_id: int, record_ids: list[int]
) -> None:
    """Make these records reports of one study (a lead's call, e.g. a trial's several papers)."""
    assert review.id is not None
    _get(session, review, study_id)
    records = []
    for record_id in record_ids:
        record = get_record(session, review, record_id)
        if record.duplicate_of_id is not None:
            raise Conflict(f"record {record_id} is a duplicate; link the record it was merged into")
        if record.removed is not None:
            raise Conflict(f"record {record_id} was removed before screening")
        record.study_id = study_id
        records.append(record)
    save(session, *records)
    record_event(
        session,
        actor=actor,
        action="study.link_reports",
        review_id=review.id,
        target=f"study:{study_id}",
        details={"record_ids": record_ids},
    )


def _get(session: Session, review: Review, study_id: int) -> Study:
    assert review.id is not None
    study = StudyRepository(session).get(review.id, study_id)
    if study is None:
        raise NotFound("study", study_id)
    return study


def _included_records(session: Session, review: Review) -> set[int]:
    """Records included at full text. Working out every record's position costs time in
    proportion to the review; before any full-text vote nothing can be included."""
    assert review.id is not None
    if not StudyRepository(session).has_full_text_events(review.id):
        return set()
    return {rid for rid, where in positions(session, review).items() if where is Position.INCLUDED}


def _with_reports(
    repo: StudyRepository, studies: Sequence[Study], included: set[int]
) -> list[StudyRead]:
    grouped: dict[int, list[Record]] = {}
    for record in repo.reports([s.id for s in studies if s.id is not None]):
        grouped.setdefault(record.study_id or 0, []).append(record)
    out = []
    for study in studies:
        reports = grouped.get(study.id or 0, [])
        if not reports:
            continue
        out.append(
            StudyRead(
                id=study.id or 0,
                label=study.label,
                included=any(r.id in included for r in reports),
                reports=[
                    StudyReport(record_id=r.id or 0, title=r.title, year=r.year, doi=r.doi)
                    for r in reports
                ],
            )
        )
    return out
