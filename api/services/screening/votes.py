"""Screening use cases: the next record for a reviewer, votes, resolutions, visible votes.

Each reads and writes the stored stage state (`api.services.screening.store`): a vote costs the
same whatever the size of the review, and any number of workers share it through the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.db import hold_writer
from api.permissions import Role
from api.repositories.screening.state import StateRepository
from api.repositories.screening.views import ScreeningViews
from api.repositories.screening.votes import CardFields, ScreeningRepository
from api.schemas.screening import (
    NextRecord,
    RecordCard,
    ResolutionCreate,
    ResolutionRead,
    SpanRead,
    VoteCreate,
    VoteOutcome,
    VoteRead,
)
from api.services.audit import record_event
from api.services.errors import Conflict, NotFound
from api.services.screening import prioritization
from api.services.screening.settings import designated_resolvers
from api.services.screening.state import (
    current,
    position_of_record,
    review_settings,
    status_at,
)
from api.services.screening.store import apply_change, compute_rows
from api.tables import Record, Resolution, Review, User, utc_now
from screening.decisions import RecordStatus, record_vote
from screening.keywords import compile_keywords, find_spans
from screening.model import DecisionEvent, Stage
from screening.queue import visible_votes
from screening.workflow import check_resolution, check_vote

CLAIM_TTL = timedelta(minutes=5)
_LOOKS = 10  # new looks at the queue when concurrent claims keep taking what next found


def next_record(
    session: Session, review: Review, user: User, stage: Stage, *, after: int | None = None
) -> NextRecord | None:
    """The caller's next record at ``stage`` (None when nothing awaits them), held by a claim.

    One indexed query picks it: the record they already hold if it still wants their vote,
    else the first in queue order that does. On PostgreSQL the row is locked and rows other
    requests hold are skipped (FOR UPDATE SKIP LOCKED); SQLite's requests that write take turns.
    The claim is made only if the record still has a vote free (a claim committed meanwhile may
    have taken it): else the next look skips it.
    """
    assert review.id is not None
    assert user.id is not None
    hold_writer(session)
    state = current(session, review)
    now = utc_now()
    claims = state.my_claims(review.id, stage, user.id, now)
    held = [record for record, live in claims if live and record != after]
    found = (
        state.best_for(review.id, stage, user.id, now, after=after, among=held) if held else None
    )
    for _ in range(_LOOKS):
        if found is None:
            found = state.best_for(review.id, stage, user.id, now, after=after)
        if found is None or state.claim_if_free(
            review.id, found[0], stage, user.id, now, now + CLAIM_TTL
        ):
            break
        found = None
    else:
        raise Conflict(
            "other reviewers took every record offered meanwhile; ask for the next again"
        )
    keep = {r for r in (after, found[0] if found else None) if r is not None}
    state.release_claims(user.id, stage, [r for r, _live in claims if r not in keep])
    if found is None:
        return None
    record_id, priority = found
    card = ScreeningRepository(session).card(review.id, record_id)
    assert card is not None
    prioritised = prioritization.is_ranked(priority)
    return NextRecord(stage=stage, record=record_card(review, card), prioritised=prioritised)


def record_card(review: Review, record: CardFields) -> RecordCard:
    settings = review_settings(review)
    matcher = compile_keywords(settings.include_keywords, settings.exclude_keywords)
    spans = find_spans(matcher, record.title or "", record.abstract or "")
    return RecordCard(
        id=record.id,
        title=record.title,
        abstract=record.abstract,
        authors=list(record.authors),
        year=record.year,
        journal=record.journal,
        doi=record.doi,
        pmid=record.pmid,
        keywords=list(record.keywords),
        spans=[SpanRead(**{f: getattr(s, f) for f in SpanRead.model_fields}) for s in spans],
    )


def get_record(session: Session, review: Review, record_id: int) -> Record:
    assert review.id is not None
    record = ScreeningRepository(session).record(review.id, record_id)
    if record is None:
        raise NotFound("record", record_id)
    return record


def cast_vote(
    session: Session, review: Review, user: User, record_id: int, data: VoteCreate
) -> VoteOutcome:
    """Record a vote; a changed vote supersedes the current one, a repeated one records nothing."""
    assert review.id is not None
    assert user.id is not None
    hold_writer(session)
    repo = ScreeningRepository(session)
    state = StateRepository(session)
    # Double clicks, two tabs and the other voter queue up on the record's row; its events are
    # read under the lock, so the row is computed from every vote committed before.
    at = state.record_at_stages(review.id, record_id, lock=data.stage)
    if at is None:
        raise NotFound("record", record_id)
    known: set[int] = set()
    if data.reason_id is not None:
        known = {r.id for r in repo.reasons(review.id, data.stage) if r.id is not None}
    check_vote(position_of_record(at), data.stage, data.decision, data.reason_id, known)
    log = repo.record_log(record_id, data.stage)
    previous = max((e.seq for e in log if e.reviewer_id == user.id), default=0)
    event = record_vote(
        log,
        seq=previous + 1,
        record_id=record_id,
        reviewer_id=user.id,
        stage=data.stage,
        vote=data.decision,
        at=utc_now(),
        reason_id=data.reason_id,
        note=data.note,
    )
    state.release_claim(user.id, data.stage, record_id)
    if event is None:
        latest = next(e for e in reversed(log) if e.reviewer_id == user.id)
        return VoteOutcome(vote=vote_read(latest), recorded=False)
    with _chain_stays_linear():
        event = replace(event, seq=repo.insert_decision(review.id, event))
    apply_change(session, review, data.stage, at, [*log, event], known_active={user.id})
    record_event(
        session,
        actor=user,
        action="decision.cast",
        review_id=review.id,
        target=f"record:{record_id}",
        details={"stage": data.stage.value, "decision_id": event.seq},
    )
    prioritization.decisions_changed(session)
    return VoteOutcome(vote=vote_read(event), recorded=True)


@contextmanager
def _chain_stays_linear() -> Iterator[None]:
    """A vote or resolution stored by a concurrent request first is refused as a conflict."""
    try:
        yield
    except IntegrityError as exc:
        # The record's row lock makes this rare; the unique constraints keep the chain linear.
        raise Conflict("this vote changed at the same moment in another request; retry") from exc


def vote_read(event: DecisionEvent) -> VoteRead:
    return VoteRead(
        id=event.seq,
        record_id=event.record_id,
        reviewer_id=event.reviewer_id,
        stage=event.stage,
        decision=event.vote,
        reason_id=event.reason_id,
        note=event.note,
        supersedes_id=event.supersedes,
        created_at=event.at,
    )


def record_votes(
    session: Session, review: Review, user: User, record_id: int, stage: Stage
) -> list[VoteRead]:
    """The current votes on a record the caller may see: their own, others' once settled."""
    assert user.id is not None
    record = get_record(session, review, record_id)
    status = status_at(session, review, record, stage)
    current_votes = _current(ScreeningRepository(session).record_log(record_id, stage))
    if status is None:  # not at this stage (yet): only the caller's own votes
        return [vote_read(v) for v in current_votes if v.reviewer_id == user.id]
    blinding = review_settings(review).for_stage(stage).blinding
    return [vote_read(v) for v in visible_votes(user.id, status, current_votes, blinding=blinding)]


def _current(log: list[DecisionEvent]) -> list[DecisionEvent]:
    latest: dict[int, DecisionEvent] = {}
    for event in log:
        latest[event.reviewer_id] = event
    return sorted(latest.values(), key=lambda e: e.seq)


def resolve(
    session: Session,
    review: Review,
    user: User,
    role: Role,
    record_id: int,
    data: ResolutionCreate,
) -> ResolutionRead:
    """The final word on a conflict, by a lead or a designated third reviewer (why: optional)."""
    assert review.id is not None
    assert user.id is not None
    hold_writer(session)
    repo = ScreeningRepository(session)
    at = StateRepository(session).record_at_stages(review.id, record_id, lock=data.stage)
    if at is None:
        raise NotFound("record", record_id)
    if at.duplicate or at.removed or not at.row(data.stage).in_stage:
        raise Conflict(f"record {record_id} is not at the {data.stage.value} stage")
    status = status_now(session, review, data.stage, record_id)
    known = {r.id for r in repo.reasons(review.id, data.stage) if r.id is not None}
    check_resolution(
        status,
        data.stage,
        resolver_id=user.id,
        resolver_is_lead=role is Role.LEAD,
        designated_resolvers=designated_resolvers(review.settings),
        vote=data.decision,
        reason_id=data.reason_id,
        known_reason_ids=known,
    )
    row = Resolution(
        review_id=review.id,
        record_id=record_id,
        stage=data.stage,
        vote=data.decision,
        reason_id=data.reason_id,
        reason=data.reason.strip(),
        resolver_id=user.id,
        supersedes_id=ScreeningViews(session).newest_resolution_id(record_id, data.stage),
    )
    with _chain_stays_linear():
        repo.add(row)
    log = repo.record_log(record_id, data.stage)
    apply_change(session, review, data.stage, at, log, new_resolution=True)
    record_event(
        session,
        actor=user,
        action="resolution.create",
        review_id=review.id,
        target=f"record:{record_id}",
        details={"stage": data.stage.value, "decision": data.decision.value},
    )
    prioritization.decisions_changed(session)
    return ResolutionRead(
        **{k: v for k, v in row.model_dump().items() if k in ResolutionRead.model_fields},
        decision=row.vote,
    )


def status_now(session: Session, review: Review, stage: Stage, record_id: int) -> RecordStatus:
    """The record's full status (who voted, the resolution) from its events, as stored."""
    rows = compute_rows(session, review, stage, [record_id])
    if rows is None:  # a rapid plan moved and the review was rebuilt: compute again
        rows = compute_rows(session, review, stage, [record_id])
    assert rows is not None
    return rows[record_id].status
