"""Full-text retrieval: where each record that passed title/abstract stands, matching PDF file
names to those records, and taking back a "not retrieved"."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from api.repositories.retrieval import RetrievalRepository
from api.repositories.rows import save
from api.schemas.retrieval import (
    FileMatchRead,
    MatchOption,
    RetrievalCounts,
    RetrievalItem,
    RetrievalRead,
    RetrievalState,
)
from api.services.audit import record_event
from api.services.errors import Conflict, NotFound
from api.services.screening.state import positions
from api.services.screening.store import lock_for_change, retrieval_changed
from api.tables import FullText, FullTextStatus, Record, Review, User, utc_now
from screening.model import Stage
from screening.retrieval import Candidate, match_files
from screening.workflow import Position

# Positions of a record that passed title/abstract: its report is sought from here on.
SOUGHT = frozenset(
    {
        Position.FT_AWAITING_RETRIEVAL,
        Position.FT_NOT_RETRIEVED,
        Position.FT_SCREENING,
        Position.FT_EXCLUDED,
        Position.INCLUDED,
    }
)


def sought_records(session: Session, review: Review) -> list[Record]:
    """Records included at title/abstract (duplicates and removed records never are)."""
    assert review.id is not None
    where = positions(session, review)
    wanted = [record_id for record_id, position in where.items() if position in SOUGHT]
    return RetrievalRepository(session).records(review.id, wanted)


def _state(row: FullText | None) -> RetrievalState:
    if row is None:
        return "missing"
    return "attached" if row.status is FullTextStatus.RETRIEVED else "not_retrieved"


def _item(record: Record, row: FullText | None) -> RetrievalItem:
    assert record.id is not None
    return RetrievalItem(
        record_id=record.id,
        title=record.title,
        authors=record.authors,
        year=record.year,
        journal=record.journal,
        doi=record.doi,
        pmid=record.pmid,
        state=_state(row),
        filename=row.filename if row else "",
        size_bytes=row.size_bytes if row else 0,
        updated_at=row.updated_at if row else None,
    )


def retrieval(session: Session, review: Review) -> RetrievalRead:
    """Every record that passed title/abstract with its retrieval state, and the counts."""
    assert review.id is not None
    rows = RetrievalRepository(session).full_texts(review.id)
    items = [_item(r, rows.get(r.id or 0)) for r in sought_records(session, review)]
    states = [item.state for item in items]
    counts = RetrievalCounts(
        total=len(items),
        attached=states.count("attached"),
        not_retrieved=states.count("not_retrieved"),
        missing=states.count("missing"),
    )
    return RetrievalRead(counts=counts, items=items)


def match(session: Session, review: Review, filenames: Sequence[str]) -> list[FileMatchRead]:
    """Which sought record each PDF file name belongs to, or which to ask the person about."""
    candidates = [
        Candidate(r.id or 0, r.title, doi=r.doi, pmid=r.pmid, pmcid=r.pmcid)
        for r in sought_records(session, review)
    ]
    return [
        FileMatchRead(
            filename=m.filename,
            record_id=m.record_id,
            matched_by=m.matched_by.value if m.matched_by else None,
            options=[
                MatchOption(record_id=o.record_id, score=o.score, matched_by=o.matched_by.value)
                for o in m.options
            ],
        )
        for m in match_files(filenames, candidates)
    ]


def undo_not_retrieved(
    session: Session, review: Review, actor: User, record_id: int
) -> RetrievalItem:
    """Take back "not retrieved": the record goes back to the PDF it had, or to awaiting one."""
    assert review.id is not None
    lock_for_change(session, record_id, Stage.TITLE_ABSTRACT)
    repo = RetrievalRepository(session)
    found = repo.records(review.id, [record_id])
    if not found:
        raise NotFound("record", record_id)
    record = found[0]
    row = repo.full_text(record_id)
    if row is None or row.status is not FullTextStatus.NOT_RETRIEVED:
        raise Conflict(f"record {record_id} is not marked as not retrieved")
    if row.path:
        row.status = FullTextStatus.RETRIEVED
        row.uploaded_by_id = actor.id
        row.updated_at = utc_now()
        save(session, row)
        kept: FullText | None = row
    else:
        repo.delete(row)
        kept = None
    retrieval_changed(session, review, record_id)  # back to a PDF: the record enters full text
    record_event(
        session,
        actor=actor,
        action="full_text.undo_not_retrieved",
        review_id=review.id,
        target=f"record:{record_id}",
        details={"status": kept.status.value if kept else "missing"},
    )
    return _item(record, kept)
