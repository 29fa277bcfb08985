"""Screening use cases: the next record for a reviewer, votes, resolutions, visible votes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.db import is_sqlite
from api.errors import Conflict, NotFound
from api.permissions import Role
from api.repositories.screening import ScreeningRepository, to_event
from api.repositories.screening_views import ScreeningViews
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
from api.services import prioritization
from api.services.audit import record_event
from api.services.screening_settings import designated_resolvers
from api.services.screening_stage import StageState
from api.services.screening_state import (
    load_stage,
    record_position,
    review_settings,
)
from api.tables import Decision, Record, Resolution, Review, ScreeningClaim, User, utc_now
from screening.decisions import RecordStatus, record_vote, stage_statuses
from screening.keywords import compile_keywords, find_spans
from screening.model import DecisionEvent, Stage
from screening.queue import queue_for, visible_votes
from screening.workflow import check_resolution, check_vote

CLAIM_TTL = timedelta(minutes=5)
CANDIDATES = 25  # records picked before the lock; re-checked under it


def next_record(
    session: Session, review: Review, user: User, stage: Stage, *, after: int | None = None
) -> NextRecord | None:
    """The caller's next record at ``stage`` (None when nothing awaits them), held by a claim.

    The stage is read without a lock to pick a few candidates; only their votes and the claims
    are re-read under a lock (see `_choose`), so concurrent `next` calls queue only briefly.
    """
    assert review.id is not None
    assert user.id is not None
    repo = ScreeningRepository(session)
    state = load_stage(session, review, stage)
    order, prioritised = prioritization.order_for(session, state, user.id)
    held, others = _claims(repo.claims(review.id, stage), user.id)
    pool = [record_id for record_id in (*held, *order) if record_id != after]
    candidates = queue_for(user.id, pool, state.statuses, claims=others, limit=CANDIDATES)
    records = repo.records(review.id, candidates)  # read before any lock, which stays short
    now = utc_now()
    chosen = _choose(session, state, user.id, candidates, now)
    if not chosen and candidates:  # all taken meanwhile: look again at the whole stage
        state = load_stage(session, review, stage)
        held, others = _claims(repo.claims(review.id, stage), user.id)
        pool = [record_id for record_id in (*held, *order) if record_id != after]
        again = queue_for(user.id, pool, state.statuses, claims=others, limit=100)
        chosen = _choose(session, state, user.id, again, now)
    repo.release_claims(user.id, stage, keep=after)
    if not chosen:
        return None
    record_id = chosen[0]
    repo.add(
        ScreeningClaim(
            review_id=review.id,
            record_id=record_id,
            reviewer_id=user.id,
            stage=stage,
            expires_at=now + CLAIM_TTL,
        )
    )
    record = records.get(record_id) or repo.record(review.id, record_id)
    assert record is not None
    return NextRecord(stage=stage, record=record_card(review, record), prioritised=prioritised)


def _choose(
    session: Session, state: StageState, user_id: int, candidates: tuple[int, ...], now: datetime
) -> tuple[int, ...]:
    """The first candidate that, with the votes and claims committed now, still wants the
    caller's vote. PostgreSQL locks candidates one by one and skips those another `next` is
    deciding on (SKIP LOCKED), so reviewers proceed in parallel; SQLite has one writer anyway,
    so there `next` takes the review's write lock and decides alone."""
    repo = ScreeningRepository(session)
    repo.drop_expired_claims(state.review_id, now)
    if is_sqlite(session.get_bind().engine):
        repo.lock_queue(state.review_id, state.stage, now)
        _held, others = _claims(repo.claims(state.review_id, state.stage), user_id)
        fresh = _fresh_statuses(session, state, candidates)
        return queue_for(user_id, candidates, fresh, claims=others, limit=1)
    for candidate in candidates:
        if not repo.try_lock_record(candidate):
            continue
        _held, others = _claims(repo.claims(state.review_id, state.stage, candidate), user_id)
        fresh = _fresh_statuses(session, state, (candidate,))
        if queue_for(user_id, (candidate,), fresh, claims=others, limit=1):
            return (candidate,)
    return ()


def _claims(claims: list[ScreeningClaim], user_id: int) -> tuple[list[int], dict[int, set[int]]]:
    """The caller's held records, and who else holds which record."""
    held = [c.record_id for c in claims if c.reviewer_id == user_id]
    others: dict[int, set[int]] = {}
    for claim in claims:
        if claim.reviewer_id != user_id:
            others.setdefault(claim.record_id, set()).add(claim.reviewer_id)
    return held, others


def _fresh_statuses(
    session: Session, state: StageState, record_ids: tuple[int, ...]
) -> dict[int, RecordStatus]:
    """The candidates' statuses from their votes as committed now."""
    repo = ScreeningRepository(session)
    return stage_statuses(
        record_ids,
        repo.log(state.review_id, state.stage, record_ids),
        repo.resolutions(state.review_id, record_ids=record_ids),
        state.settings,
        state.stage,
        active_reviewers=state.screeners,
        rapid=state.gate.phase() if state.gate else None,
    )


def record_card(review: Review, record: Record) -> RecordCard:
    assert record.id is not None
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
    repo = ScreeningRepository(session)
    record = get_record(session, review, record_id)
    position = record_position(session, review, record)
    known = {r.id for r in repo.reasons(review.id, data.stage) if r.id is not None}
    check_vote(position, data.stage, data.decision, data.reason_id, known)
    # Double clicks and two tabs queue up here; only the chain's tip is read under the lock.
    repo.lock_record(record_id)
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
    repo.release_claims(user.id, data.stage, record_id)
    if event is None:
        current = next(e for e in reversed(log) if e.reviewer_id == user.id)
        return VoteOutcome(vote=vote_read(current), recorded=False)
    row = Decision(
        review_id=review.id,
        record_id=record_id,
        reviewer_id=user.id,
        stage=data.stage,
        vote=data.decision,
        reason_id=data.reason_id,
        note=data.note,
        supersedes_id=event.supersedes,
        created_at=event.at,
    )
    _insert(repo, row)
    record_event(
        session,
        actor=user,
        action="decision.cast",
        review_id=review.id,
        target=f"record:{record_id}",
        details={"stage": data.stage.value, "decision_id": row.id},
    )
    return VoteOutcome(vote=vote_read(to_event(row)), recorded=True)


def _insert(repo: ScreeningRepository, row: Decision | Resolution) -> None:
    try:
        repo.add(row)
    except IntegrityError as exc:
        # The record lock makes this rare; the unique constraints keep the chain linear anyway.
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
    get_record(session, review, record_id)
    state = load_stage(session, review, stage)
    status = state.statuses.get(record_id)
    current = _current(state.log, record_id)
    if status is None:  # not at this stage (yet): only the caller's own votes
        return [vote_read(v) for v in current if v.reviewer_id == user.id]
    seen = visible_votes(user.id, status, current, blinding=state.settings.blinding)
    return [vote_read(v) for v in seen]


def _current(log: list[DecisionEvent], record_id: int) -> list[DecisionEvent]:
    latest: dict[int, DecisionEvent] = {}
    for event in log:
        if event.record_id == record_id:
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
    repo = ScreeningRepository(session)
    get_record(session, review, record_id)
    repo.lock_record(record_id)
    state = load_stage(session, review, data.stage)
    status = state.statuses.get(record_id)
    if status is None:
        raise Conflict(f"record {record_id} is not at the {data.stage.value} stage")
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
    _insert(repo, row)
    record_event(
        session,
        actor=user,
        action="resolution.create",
        review_id=review.id,
        target=f"record:{record_id}",
        details={"stage": data.stage.value, "decision": data.decision.value},
    )
    return ResolutionRead(
        **{k: v for k, v in row.model_dump().items() if k in ResolutionRead.model_fields},
        decision=row.vote,
    )


def _previous_resolution(status: RecordStatus) -> int | None:
    return status.resolution.seq if status.resolution is not None else None
