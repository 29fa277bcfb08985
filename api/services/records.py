"""Reading a review's imported records (listing with filters, one record, its history) and
correcting their identifiers."""

from __future__ import annotations

import re

from sqlmodel import Session

from api.permissions import Permission, Role, allows
from api.repositories.accounts import UserRepository
from api.repositories.dedup import DedupRepository
from api.repositories.records import RecordRepository
from api.repositories.rows import save
from api.schemas.records import (
    IdentifierChange,
    ImportOriginRead,
    MergeEvent,
    NoteLabel,
    RecordBrief,
    RecordDetail,
    RecordFilter,
    RecordHistory,
    RecordIdentifiers,
    RecordListItem,
    RecordPage,
    RemovalEvent,
    StageDecision,
)
from api.services.audit import record_event
from api.services.errors import Forbidden, InvalidInput, NotFound
from api.services.screening.state import review_settings
from api.tables import DuplicateStatus, Review, User
from screening.model import Stage

# Link states that record something that happened: merges, and people keeping records apart.
DECIDED = (
    DuplicateStatus.AUTO,
    DuplicateStatus.CONFIRMED,
    DuplicateStatus.REJECTED,
    DuplicateStatus.UNDONE,
)


_PHRASE_OR_WORD = re.compile(r'"([^"]+)"|(\S+)')
MAX_SEARCH_TERMS = 12


def search_terms(text: str | None) -> tuple[str, ...]:
    """The words of a search (a "quoted phrase" is one term); every one must be found."""
    if not text:
        return ()
    terms = [" ".join((phrase or word).split()) for phrase, word in _PHRASE_OR_WORD.findall(text)]
    found = tuple(dict.fromkeys(term for term in terms if term.strip('"')))
    if len(found) > MAX_SEARCH_TERMS:
        raise InvalidInput(f"search: at most {MAX_SEARCH_TERMS} words or phrases")
    return found


def decision_filter(role: Role, decision: StageDecision | None) -> StageDecision | None:
    """Settled outcomes are anyone's to filter by; which records are in conflict, awaiting a
    check or still need votes tells of unsettled votes, so only a lead may filter by it."""
    if decision is not None and not decision.settled and not allows(role, Permission.MANAGE_REVIEW):
        raise Forbidden(f"decision: only a lead may list records that are {decision.value}")
    return decision


def label_filter(review: Review, viewer: User, label: str | None) -> NoteLabel | None:
    """A note tag to look for, among the notes *viewer* may read (see the notes' blinding)."""
    tag = (label or "").strip()
    if not tag:
        return None
    assert viewer.id is not None
    blinding = review_settings(review).for_stage(Stage.TITLE_ABSTRACT).blinding
    return NoteLabel(tag=tag, viewer_id=viewer.id, own_only_before_settled=blinding)


def list_records(
    session: Session, review: Review, *, where: RecordFilter, limit: int, offset: int
) -> RecordPage:
    assert review.id is not None
    repo = RecordRepository(session)
    rows, total = repo.page(review.id, where, limit=limit, offset=offset)
    merged = repo.merged_counts([row.id for row in rows if row.id is not None])
    items = [
        RecordListItem.model_validate(row).model_copy(update={"merged": merged.get(row.id or 0, 0)})
        for row in rows
    ]
    return RecordPage(items=items, total=total)


def record_history(session: Session, review: Review, record_id: int) -> RecordHistory:
    """Where a record came from, the records merged with it and every merge or keep-apart
    decision about its group (by whom: a person, or the matcher), identifier corrections and
    removals before screening."""
    assert review.id is not None
    repo = RecordRepository(session)
    record = repo.get(review.id, record_id)
    if record is None:
        raise NotFound("record", record_id)
    dedup = DedupRepository(session)
    group = dedup.cluster_members(review.id, [record_id])
    links = dedup.links_touching(review.id, group, DECIDED)
    shown = sorted({*group, *(i for link in links for i in (link.record_a_id, link.record_b_id))})
    briefs = {brief.id: brief for brief in _briefs(repo, shown)}
    changes = repo.events(review.id, ["record.identifiers"], target=f"record:{record_id}")
    removals = [
        event
        for event in repo.events(review.id, ["records.remove", "records.restore"])
        if record_id in event.details.get("records", ())
    ]
    names = UserRepository(session).names(
        [link.decided_by_id for link in links] + [e.actor_id for e in (*changes, *removals)]
    )
    origin = repo.origin(record)
    return RecordHistory(
        record=RecordDetail.model_validate(record),
        origin=ImportOriginRead(
            batch_id=record.batch_id,
            source_id=record.source_id,
            source=origin.source.name,
            source_kind=origin.source.kind,
            kind=origin.batch.kind,
            filename=origin.batch.filename,
            format=origin.batch.format,
            query=origin.batch.query,
            imported_at=origin.batch.created_at,
            imported_by=origin.imported_by,
            records_imported=origin.batch.records_imported,
            record_number=record.record_number,
            line=record.line,
        ),
        merged_into=briefs[record.duplicate_of_id] if record.duplicate_of_id else None,
        group=[briefs[i] for i in group if i not in (record_id, record.duplicate_of_id)],
        merges=[
            MergeEvent(
                pair_id=link.id or 0,
                status=link.status,
                record_a=briefs[link.record_a_id],
                record_b=briefs[link.record_b_id],
                by=names.get(link.decided_by_id or 0),
                at=link.decided_at or link.created_at,
            )
            for link in links
        ],
        identifier_changes=[
            IdentifierChange(
                at=event.at,
                by=names.get(event.actor_id or 0),
                field=field,
                before=values[0],
                after=values[1],
            )
            for event in changes
            for field, values in sorted(event.details.items())
        ],
        removals=[
            RemovalEvent(
                at=event.at,
                by=names.get(event.actor_id or 0),
                restored=event.action == "records.restore",
                removed=event.details.get("removed"),
                reason=event.details.get("reason"),
            )
            for event in removals
        ],
    )


def _briefs(repo: RecordRepository, record_ids: list[int]) -> list[RecordBrief]:
    return [
        RecordBrief(
            id=record.id or 0,
            title=record.title,
            year=record.year,
            source_id=record.source_id,
            source=source,
            doi=record.doi,
            pmid=record.pmid,
            duplicate_of_id=record.duplicate_of_id,
        )
        for record, source in repo.briefs(record_ids)
    ]


def get_record(session: Session, review: Review, record_id: int) -> RecordDetail:
    assert review.id is not None
    record = RecordRepository(session).get(review.id, record_id)
    if record is None:
        raise NotFound("record", record_id)
    return RecordDetail.model_validate(record)


def correct_identifiers(
    session: Session, review: Review, actor: User, record_id: int, change: RecordIdentifiers
) -> RecordDetail:
    """Set a record's DOI and/or PMID as a person corrected them (audited with the values
    before and after). Merges already made stay; the next deduplication run reads the new
    identifiers."""
    assert review.id is not None
    record = RecordRepository(session).get(review.id, record_id)
    if record is None:
        raise NotFound("record", record_id)
    changed: dict[str, list[str | None]] = {}
    for name in sorted(change.model_fields_set):
        before, after = getattr(record, name), getattr(change, name)
        if before != after:
            setattr(record, name, after)
            changed[name] = [before, after]
    if changed:
        save(session, record)
        record_event(
            session,
            actor=actor,
            action="record.identifiers",
            review_id=review.id,
            target=f"record:{record_id}",
            details=changed,
        )
    return RecordDetail.model_validate(record)
