"""Deduplication of a review: run the core, keep people's decisions, merge, confirm, reject, undo.

Merges live in ``duplicate_link``: clusters come from the core's one clustering
(:func:`importers.dedup.cluster`) over ``auto`` links (in the core's order) and ``confirmed``
ones; ``record.duplicate_of_id`` caches the kept record of each cluster. ``confirmed``,
``rejected`` and ``undone`` belong to people: a run never changes them, a person may confirm
any pair (whatever the automatic rules say), and a rejected or undone pair is never joined
again, not even through a third record. The queue asks one question per two clusters.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api import jobs
from api.repositories.accounts import UserRepository
from api.repositories.dedup import DedupRepository
from api.repositories.jobs import JobRepository
from api.repositories.reviews import ReviewRepository
from api.schemas.dedup import DedupSummary, DuplicatePage, DuplicatePair, DuplicateRecord
from api.schemas.jobs import JobRead
from api.services.audit import record_event
from api.services.errors import Conflict, NotFound
from api.tables import DuplicateLink, DuplicateStatus, Record, Review, User, utc_now
from importers.dedup import (
    Cluster,
    Decision,
    DedupResult,
    FieldScores,
    MatchKeys,
    ProgressCallback,
    RefusedMerge,
    cluster,
    deduplicate,
    merge_order,
    record_keys,
)
from importers.dedup.decide import RECURRING_TITLE
from importers.dedup.explain import Member, why_not_merged
from importers.model import Reference, ReferenceType

S = DuplicateStatus
MERGED = frozenset({S.AUTO, S.CONFIRMED})
KEPT_APART = frozenset({S.REJECTED, S.UNDONE})
BY_PEOPLE = frozenset({S.CONFIRMED, S.REJECTED, S.UNDONE})
_REFUSED = "not merged: would join "
DEDUP_JOB = "dedup"
# Share of a job's progress (0-100) per stage of the core; storing takes the rest.
_STAGE_SPAN = {"keys": (0, 20), "pairs": (20, 90), "clusters": (90, 95)}


def reference_of(row: Row[Any] | Record) -> Reference:
    """The core's view of a stored record."""
    kind = row.type if row.type in ReferenceType._value2member_map_ else ReferenceType.OTHER
    return Reference(
        title=row.title,
        abstract=row.abstract,
        authors=tuple(row.authors or ()),
        year=row.year,
        journal=row.journal,
        volume=row.volume,
        issue=row.issue,
        pages=row.pages,
        doi=row.doi,
        pmid=row.pmid,
        isbn=row.isbn,
        type=ReferenceType(kind),
        url=row.url,
    )


def _cluster(
    rows: Sequence[Row[Any]],
    links: Sequence[DuplicateLink],
    keys: Sequence[MatchKeys] | None = None,
) -> tuple[list[Cluster], list[tuple[DuplicateLink, RefusedMerge]]]:
    """Cluster *rows* (sorted by id) along their links with the core's clustering: machine
    merges strongest first (as the core orders them), then people's merges; returns the merges
    refused. *keys* are the rows' match keys when the core has just computed them."""
    if keys is None:
        keys = record_keys([reference_of(row) for row in rows])
    position = {row.id: index for index, row in enumerate(rows)}

    def pair(link: DuplicateLink) -> tuple[int, int]:
        return position[link.record_a_id], position[link.record_b_id]

    def order(link: DuplicateLink) -> tuple[float, float, int, int]:
        scores = link.scores or {}
        return merge_order(scores.get("title"), scores.get("authors"), *pair(link))

    auto = sorted((link for link in links if link.status is S.AUTO), key=order)
    confirmed = sorted((link for link in links if link.status is S.CONFIRMED), key=order)
    clusters, refused = cluster(
        keys,
        [pair(link) for link in auto],
        confirmed=[pair(link) for link in confirmed],
        apart=[pair(link) for link in links if link.status in KEPT_APART],
    )
    by_pair = {pair(link): link for link in (*auto, *confirmed)}
    return clusters, [(by_pair[r.left, r.right], r) for r in refused]


def _refusal_text(rows: Sequence[Row[Any]], refusal: RefusedMerge) -> str:
    """What a refused merge would have joined, with record ids (the core counts positions)."""
    if refusal.kept_apart is None:
        return refusal.reason.removeprefix(_REFUSED)
    first, second = (rows[position].id for position in refusal.kept_apart)
    return f"records {first} and {second}, which a person kept apart"


def _apply_clusters(
    repo: DedupRepository,
    rows: Sequence[Row[Any]],
    links: Sequence[DuplicateLink],
    current: dict[int, int | None],
    keys: Sequence[MatchKeys] | None = None,
) -> dict[int, int]:
    """Recluster *rows*, send refused machine merges back to the queue and store the new
    ``duplicate_of_id`` cache; returns each record's kept id. A refused confirmed merge is a
    conflict the person must resolve first."""
    clusters, refused = _cluster(rows, links, keys)
    for link, refusal in refused:
        text = _refusal_text(rows, refusal)
        if refusal.by_person:
            raise Conflict(
                f"confirmed pair {link.id} (records {link.record_a_id} and {link.record_b_id}) "
                f"would then join {text}; undo that merge first"
            )
        link.status = S.PENDING
        link.reason = _REFUSED + text + "; " + link.reason.removeprefix(_REFUSED)
    kept: dict[int, int] = {}
    for group in clusters:
        kept.update(dict.fromkeys((rows[m].id for m in group.members), rows[group.kept].id))
    changes: dict[int, int | None] = {}
    for row in rows:
        target = None if kept[row.id] == row.id else kept[row.id]
        if current[row.id] != target:
            changes[row.id] = target
    repo.set_duplicate_of(changes)
    return kept


_SCORE_FIELDS = tuple(field.name for field in dataclasses.fields(FieldScores))


def _scores_json(scores: FieldScores) -> dict[str, Any]:
    # Field by field: dataclasses.asdict deep-copies and costs seconds over 50,000 pairs.
    values = ((name, getattr(scores, name)) for name in _SCORE_FIELDS)
    return {name: value.value if isinstance(value, enum.Enum) else value for name, value in values}


def _store_proposals(
    repo: DedupRepository, review_id: int, ids: Sequence[int], result: DedupResult
) -> int:
    """Write the core's certain and maybe pairs; links people decided are left as they are,
    and machine links the core no longer proposes (a record's identifiers were corrected) go.

    Every maybe pair between two clusters is kept (the queue shows one per two clusters, and
    another becomes the question when people change the clusters)."""
    existing = {(link.record_a_id, link.record_b_id): link for link in repo.links(review_id)}
    kept = result.kept_index()
    proposals = [
        pair
        for pair in result.pairs
        if pair.decision is Decision.DUPLICATE
        or (pair.decision is Decision.MAYBE and kept[pair.left] != kept[pair.right])
    ]
    new_links = []
    for pair in proposals:
        key = (ids[pair.left], ids[pair.right])
        fields = {
            "status": S.AUTO if pair.decision is Decision.DUPLICATE else S.PENDING,
            "score": pair.scores.title or 0.0,
            "scores": _scores_json(pair.scores),
            "reason": pair.reason,
        }
        link = existing.get(key)
        if link is None:
            new_links.append(
                {"review_id": review_id, "record_a_id": key[0], "record_b_id": key[1], **fields}
            )
        elif link.status not in BY_PEOPLE:
            # Set only what changed: a re-run over unchanged records writes nothing.
            for name, value in fields.items():
                if getattr(link, name) != value:
                    setattr(link, name, value)
    proposed = {(ids[pair.left], ids[pair.right]) for pair in proposals}
    stale = [
        link.id
        for key, link in existing.items()
        if link.status not in BY_PEOPLE and key not in proposed and link.id is not None
    ]
    repo.delete_links(stale)
    repo.insert_links(new_links)
    return len(new_links)


def start_dedup(
    session: Session, review: Review, actor: User, *, job_min_records: int
) -> DedupSummary | JobRead:
    """Deduplicate now, or queue a job for a review of *job_min_records* or more (one job at a
    time per review)."""
    assert review.id is not None
    repo = DedupRepository(session)
    if repo.count_records(review.id) < job_min_records:
        return run_dedup(session, review, actor)
    job = repo.active_job(review.id, DEDUP_JOB)
    if job is None:
        job = jobs.submit(session, kind=DEDUP_JOB, review_id=review.id, params={}, user=actor)
        record_event(
            session,
            actor=actor,
            action="dedup.start",
            review_id=review.id,
            target=f"job:{job.id}",
        )
    return JobRead.model_validate(job)


def run_dedup_job(
    engine: Engine, job_id: int, _params: dict[str, Any], progress: jobs.Progress
) -> dict[str, Any]:
    """The job: read the records, run the core outside any transaction (no lock held while it
    computes, progress is stored meanwhile), then store everything in one transaction that
    also finishes the job row."""
    with Session(engine) as session:
        job = JobRepository(session).get(job_id)
        if job is None or job.review_id is None:
            raise NotFound("review of job", job_id)
        review_id, actor_id = job.review_id, job.created_by_id
        rows = DedupRepository(session).match_rows(review_id)

    def report(stage: str, done: int, total: int) -> None:
        start, end = _STAGE_SPAN.get(stage, (95, 95))
        progress(start + (end - start) * done // max(total, 1), 100)

    prepared = (rows, deduplicate([reference_of(row) for row in rows], on_progress=report))
    with Session(engine) as session, session.begin():
        review = ReviewRepository(session).get(review_id)
        if review is None:
            raise NotFound("review", review_id)
        actor = UserRepository(session).get(actor_id) if actor_id else None
        result = run_dedup(session, review, actor, prepared=prepared).model_dump()
        JobRepository(session).set_progress(job_id, done=100, total=100)
        jobs.mark_succeeded(session, job_id, result)
    return result


def run_dedup(
    session: Session,
    review: Review,
    actor: User | None,
    *,
    on_progress: ProgressCallback | None = None,
    prepared: tuple[Sequence[Row[Any]], DedupResult] | None = None,
) -> DedupSummary:
    """Deduplicate every record of the review; people's decisions always win over the core.

    The core runs before the review is locked (or was run on *prepared* rows); under the lock
    the records are checked again and the core rerun if an import changed them meanwhile."""
    assert review.id is not None
    repo = DedupRepository(session)
    if prepared is None:
        rows = repo.match_rows(review.id)
        prepared = (rows, deduplicate([reference_of(row) for row in rows], on_progress=on_progress))
    rows, result = prepared
    repo.lock_review(review.id)
    current = repo.duplicate_of(review.id)
    if list(current) != [row.id for row in rows]:
        rows = repo.match_rows(review.id)
        result = deduplicate([reference_of(row) for row in rows])
    ids = [row.id for row in rows]
    new_pairs = _store_proposals(repo, review.id, ids, result)
    links = repo.links(review.id)
    kept = _apply_clusters(repo, rows, links, current, result.keys)
    summary = DedupSummary(
        records=len(kept),
        duplicates=sum(1 for rid, root in kept.items() if rid != root),
        auto_merged=sum(1 for link in links if link.status is S.AUTO),
        pending=len(_questions(links, kept)),
        new_pairs=new_pairs,
    )
    record_event(
        session,
        actor=actor,
        action="dedup.run",
        review_id=review.id,
        target=f"review:{review.id}",
        details=summary.model_dump(),
    )
    return summary


def _questions(links: Sequence[DuplicateLink], kept: dict[int, int]) -> list[DuplicateLink]:
    """The queue: one pending link per two clusters, the most alike, most alike first; two
    clusters a person already kept apart (a rejected or undone link between them) are not
    asked about again."""
    answered = {
        frozenset((kept[link.record_a_id], kept[link.record_b_id]))
        for link in links
        if link.status in KEPT_APART
    }
    best: dict[frozenset[int], DuplicateLink] = {}
    pending = (link for link in links if link.status is S.PENDING)
    for link in sorted(pending, key=lambda link: (-link.score, link.id or 0)):
        clusters = frozenset((kept[link.record_a_id], kept[link.record_b_id]))
        if len(clusters) == 2 and clusters not in answered:
            best.setdefault(clusters, link)
    return list(best.values())


def list_duplicates(
    session: Session,
    review: Review,
    status: DuplicateStatus,
    *,
    limit: int,
    offset: int,
    record_id: int | None = None,
) -> DuplicatePage:
    """One page of pairs with *status*; with *record_id*, only those about its group (the
    record and every record merged with it)."""
    assert review.id is not None
    repo = DedupRepository(session)
    group = None
    if record_id is not None:
        group = repo.cluster_members(review.id, [record_id])
        if not group:
            raise NotFound("record", record_id)
    if status is not S.PENDING:
        total, rows = repo.links_with_records(
            review.id, status, limit=limit, offset=offset, records=group
        )
        names = UserRepository(session).names(link.decided_by_id for link, _a, _b in rows)
        items = [_pair(link, a, b, names.get(link.decided_by_id or 0)) for link, a, b in rows]
        return DuplicatePage(items=items, total=total)
    kept = {rid: root or rid for rid, root in repo.duplicate_of(review.id).items()}
    questions = _questions(repo.links(review.id, statuses=(S.PENDING, *KEPT_APART)), kept)
    if group is not None:
        root = kept[group[0]]
        questions = [q for q in questions if root in (kept[q.record_a_id], kept[q.record_b_id])]
    page = questions[offset : offset + limit]
    return DuplicatePage(items=_questions_shown(repo, page, kept), total=len(questions))


def _questions_shown(
    repo: DedupRepository, page: Sequence[DuplicateLink], kept: dict[int, int]
) -> list[DuplicatePair]:
    """The queue's questions with both groups and, in plain words, why each was asked."""
    roots = {kept[i] for q in page for i in (q.record_a_id, q.record_b_id)}
    members: dict[int, list[int]] = {root: [] for root in roots}
    for rid, root in kept.items():
        if root in members:
            members[root].append(rid)
    wanted = sorted(rid for group in members.values() for rid in group)
    records = dict(zip(wanted, repo.records(*wanted), strict=True))
    keys = dict(zip(wanted, record_keys([reference_of(records[i]) for i in wanted]), strict=True))

    def side(record_id: int) -> tuple[Member, list[Record]]:
        """The shown record and the others of its group."""
        others = [records[i] for i in members[kept[record_id]] if i != record_id]
        return Member(records[record_id].title, keys[record_id]), others

    def group(others: list[Record]) -> list[Member]:
        return [Member(record.title, keys[record.id]) for record in others if record.id]

    items = []
    for question in page:
        left, left_group = side(question.record_a_id)
        right, right_group = side(question.record_b_id)
        pair = _pair(question, records[question.record_a_id], records[question.record_b_id])
        pair.explanation = why_not_merged(
            (left, right),
            (group(left_group), group(right_group)),
            recurring_title=RECURRING_TITLE in question.reason,
        )
        pair.group_a = [DuplicateRecord.model_validate(r) for r in left_group]
        pair.group_b = [DuplicateRecord.model_validate(r) for r in right_group]
        items.append(pair)
    return items


def _pair(
    link: DuplicateLink, left: Record, right: Record, decided_by: str | None = None
) -> DuplicatePair:
    assert link.id is not None
    return DuplicatePair(
        id=link.id,
        status=link.status,
        score=link.score,
        scores=link.scores,
        reason=link.reason,
        decided_by_id=link.decided_by_id,
        decided_by=decided_by,
        decided_at=link.decided_at,
        record_a=DuplicateRecord.model_validate(left),
        record_b=DuplicateRecord.model_validate(right),
    )


def decide_pair(
    session: Session, review: Review, actor: User, link_id: int, decision: str
) -> DuplicatePair:
    """A person's word on a pair: ``confirmed`` merges its two clusters (whatever the automatic
    rules say), ``rejected`` keeps them apart for good."""
    target = S(decision)
    return _change_link(session, review, actor, link_id, target, f"duplicate.{decision}")


def undo_merge(session: Session, review: Review, actor: User, link_id: int) -> DuplicatePair:
    """Undo an automatic or confirmed merge: the records become separate again, for good."""
    return _change_link(session, review, actor, link_id, S.UNDONE, "duplicate.undo")


def _change_link(
    session: Session, review: Review, actor: User, link_id: int, target: S, action: str
) -> DuplicatePair:
    assert review.id is not None
    repo = DedupRepository(session)
    repo.lock_review(review.id)
    link = repo.link(review.id, link_id)
    if link is None:
        raise NotFound("duplicate pair", link_id)
    _check_transition(link, target)
    previous = link.status
    affected = repo.cluster_members(review.id, [link.record_a_id, link.record_b_id])
    rows = repo.match_rows_by_id(affected)
    links = repo.links_among(review.id, affected)
    keys = record_keys([reference_of(row) for row in rows])
    if target is S.CONFIRMED:
        _check_confirmable(rows, links, link, keys)
    link.status, link.decided_by_id, link.decided_at = target, actor.id, utc_now()
    before = {row.id: row.duplicate_of_id for row in rows}
    kept = _apply_clusters(repo, rows, links, before, keys)
    record_event(
        session,
        actor=actor,
        action=action,
        review_id=review.id,
        target=f"duplicate_link:{link_id}",
        details={
            "previous": previous.value,
            "records": [link.record_a_id, link.record_b_id],
            "changed": _changed(before, kept),
        },
    )
    left, right = repo.records(link.record_a_id, link.record_b_id)
    return _pair(link, left, right, actor.name)


def _check_confirmable(
    rows: Sequence[Row[Any]],
    links: Sequence[DuplicateLink],
    link: DuplicateLink,
    keys: Sequence[MatchKeys],
) -> None:
    """A person may merge any two clusters, except across records a person kept apart."""
    others = [other for other in links if other is not link]
    clusters, _refused = _cluster(rows, others, keys)
    position = {row.id: index for index, row in enumerate(rows)}
    owner = {member: group.members for group in clusters for member in group.members}
    left = set(owner[position[link.record_a_id]])
    right = set(owner[position[link.record_b_id]])
    for other in others:
        if other.status not in KEPT_APART:
            continue
        a, b = position[other.record_a_id], position[other.record_b_id]
        if (a in left and b in right) or (a in right and b in left):
            raise Conflict(
                f"duplicate pair {link.id} cannot be confirmed: it would join records "
                f"{other.record_a_id} and {other.record_b_id}, which a person kept apart "
                f"(pair {other.id}); confirm that pair itself to merge them"
            )


def _check_transition(link: DuplicateLink, target: S) -> None:
    if link.status is target:
        raise Conflict(f"duplicate pair {link.id} is already {target.value}")
    if target is S.UNDONE and link.status not in MERGED:
        raise Conflict(
            f"duplicate pair {link.id} is {link.status.value}: only a merge "
            "(auto or confirmed) can be undone"
        )


def _changed(before: dict[int, int | None], kept: dict[int, int]) -> dict[str, int | None]:
    """``{record id: new duplicate_of_id}`` for the records a change moved (for the audit log)."""
    after = {rid: None if root == rid else root for rid, root in kept.items()}
    return {str(rid): after[rid] for rid in sorted(after) if before[rid] != after[rid]}


jobs.register_handler(DEDUP_JOB, run_dedup_job)
