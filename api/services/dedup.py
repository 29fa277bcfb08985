"""Deduplication of a review: run the core, keep people's decisions, merge, confirm, reject, undo.

Merges live in ``duplicate_link``: clusters are the connected records through ``auto`` and
``confirmed`` links; ``record.duplicate_of_id`` caches the kept record of each cluster.
``confirmed``, ``rejected`` and ``undone`` belong to people: a run never changes them, and a
rejected or undone pair is never joined again, not even through a third record.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from api import jobs
from api.errors import Conflict, NotFound
from api.repositories.dedup import DedupRepository
from api.schemas.dedup import DedupSummary, DuplicatePage, DuplicatePair, DuplicateRecord
from api.schemas.jobs import JobRead
from api.services.audit import record_event
from api.tables import DuplicateLink, DuplicateStatus, Job, Record, Review, User, utc_now
from importers.dedup import Decision, DedupResult, FieldScores, ProgressCallback, deduplicate
from importers.dedup.keys import match_keys, normalize_doi
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


class _Clusters:
    """Union of records along merge links, refusing any union that joins two records with
    different DOIs or PMIDs, or two records a person kept apart."""

    def __init__(self, rows: Sequence[Row[Any]], apart: Sequence[DuplicateLink]) -> None:
        self.owner = {row.id: row.id for row in rows}
        self.members: dict[int, list[int]] = {row.id: [row.id] for row in rows}
        self.dois = {row.id: {normalize_doi(row.doi)} - {""} for row in rows}
        self.pmids = {row.id: {(row.pmid or "").strip()} - {""} for row in rows}
        self.apart: dict[int, set[int]] = {}
        for link in apart:
            self.apart.setdefault(link.record_a_id, set()).add(link.record_b_id)
            self.apart.setdefault(link.record_b_id, set()).add(link.record_a_id)

    def refusal(self, left: int, right: int) -> str | None:
        """Why the clusters of *left* and *right* may not be joined, or ``None``."""
        root_left, root_right = self.owner[left], self.owner[right]
        if root_left == root_right:
            return None
        for name, values in (("DOIs", self.dois), ("PMIDs", self.pmids)):
            joined = values[root_left] | values[root_right]
            if len(joined) > 1:
                return f"records with different {name} ({', '.join(sorted(joined))})"
        small, large = sorted((root_left, root_right), key=lambda r: len(self.members[r]))
        for member in self.members[small]:
            for partner in sorted(self.apart.get(member, ())):
                if self.owner.get(partner) == large:
                    pair = f"{min(member, partner)} and {max(member, partner)}"
                    return f"records {pair}, which a person kept apart"
        return None

    def join(self, left: int, right: int) -> None:
        small, large = sorted((self.owner[left], self.owner[right]), key=self._size)
        if small == large:
            return
        for member in self.members[small]:
            self.owner[member] = large
        self.members[large].extend(self.members.pop(small))
        self.dois[large] |= self.dois.pop(small)
        self.pmids[large] |= self.pmids.pop(small)

    def _size(self, root: int) -> tuple[int, int]:
        return (len(self.members[root]), -root)


def _merge_order(link: DuplicateLink) -> tuple[int, float, float, int, int]:
    """People's merges first, then the strongest machine pairs (as the core orders them)."""
    scores = link.scores or {}
    return (
        0 if link.status is S.CONFIRMED else 1,
        -(scores.get("title") or 0.0),
        -(scores.get("authors") or 0.0),
        link.record_a_id,
        link.record_b_id,
    )


def _cluster(
    rows: Sequence[Row[Any]], links: Sequence[DuplicateLink]
) -> tuple[_Clusters, list[tuple[DuplicateLink, str]]]:
    """Cluster *rows* along their merge links; returns the merges refused and why."""
    clusters = _Clusters(rows, [link for link in links if link.status in KEPT_APART])
    refused = []
    for link in sorted((link for link in links if link.status in MERGED), key=_merge_order):
        refusal = clusters.refusal(link.record_a_id, link.record_b_id)
        if refusal is None:
            clusters.join(link.record_a_id, link.record_b_id)
        else:
            refused.append((link, refusal))
    return clusters, refused


def _kept_of(
    rows: Sequence[Row[Any]], clusters: _Clusters, known: dict[frozenset[int], int]
) -> dict[int, int]:
    """The kept record of every record: the most complete of its cluster (ties: lowest id),
    as the core chose it when it found the same cluster (*known*), else computed the same way."""
    by_id = {row.id: row for row in rows}
    kept: dict[int, int] = {}
    for members in clusters.members.values():
        best = members[0]
        if len(members) > 1:
            best = known.get(frozenset(members)) or max(
                members, key=lambda i: (match_keys(reference_of(by_id[i])).completeness, -i)
            )
        kept.update(dict.fromkeys(members, best))
    return kept


def _apply_clusters(
    repo: DedupRepository,
    rows: Sequence[Row[Any]],
    links: Sequence[DuplicateLink],
    current: dict[int, int | None],
    known: dict[frozenset[int], int] | None = None,
) -> dict[int, int]:
    """Recluster *rows*, send refused machine merges back to the queue and store the new
    ``duplicate_of_id`` cache; returns each record's kept id. A refused confirmed merge is a
    conflict the person must resolve first."""
    clusters, refused = _cluster(rows, links)
    for link, refusal in refused:
        if link.status is S.CONFIRMED:
            raise Conflict(
                f"confirmed pair {link.id} (records {link.record_a_id} and {link.record_b_id}) "
                f"would then join {refusal}; undo that merge first"
            )
        link.status = S.PENDING
        link.reason = _REFUSED + refusal + "; " + link.reason.removeprefix(_REFUSED)
    kept = _kept_of(rows, clusters, known or {})
    changes: dict[int, int | None] = {}
    for row in rows:
        target = None if kept[row.id] == row.id else kept[row.id]
        if current[row.id] != target:
            changes[row.id] = target
    repo.session.flush()
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
    """Write the core's certain and maybe pairs; links people decided are left as they are."""
    existing = {(link.record_a_id, link.record_b_id): link for link in repo.links(review_id)}
    certain = [pair for pair in result.pairs if pair.decision is Decision.DUPLICATE]
    new_links = []
    for pair in (*certain, *result.maybe_pairs):
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
        job = session.get(Job, job_id)
        if job is None or job.review_id is None:
            raise NotFound("review of job", job_id)
        review_id, actor_id = job.review_id, job.created_by_id
        rows = DedupRepository(session).match_rows(review_id)

    def report(stage: str, done: int, total: int) -> None:
        start, end = _STAGE_SPAN.get(stage, (95, 95))
        progress(start + (end - start) * done // max(total, 1), 100)

    prepared = (rows, deduplicate([reference_of(row) for row in rows], on_progress=report))
    with Session(engine) as session, session.begin():
        review = session.get(Review, review_id)
        if review is None:
            raise NotFound("review", review_id)
        actor = session.get(User, actor_id) if actor_id else None
        result = run_dedup(session, review, actor, prepared=prepared).model_dump()
        session.execute(update(Job).where(col(Job.id) == job_id).values(done=100, total=100))
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
    known = {
        frozenset(ids[m] for m in group.members): ids[group.kept]
        for group in result.clusters
        if len(group.members) > 1
    }
    kept = _apply_clusters(repo, rows, links, current, known)
    summary = _summary(kept, links, new_pairs)
    record_event(
        session,
        actor=actor,
        action="dedup.run",
        review_id=review.id,
        target=f"review:{review.id}",
        details=summary.model_dump(),
    )
    return summary


def _summary(kept: dict[int, int], links: Sequence[DuplicateLink], new_pairs: int) -> DedupSummary:
    waiting = (
        link
        for link in links
        if link.status is S.PENDING and kept[link.record_a_id] != kept[link.record_b_id]
    )
    return DedupSummary(
        records=len(kept),
        duplicates=sum(1 for rid, root in kept.items() if rid != root),
        auto_merged=sum(1 for link in links if link.status is S.AUTO),
        pending=sum(1 for _link in waiting),
        new_pairs=new_pairs,
    )


def list_duplicates(
    session: Session, review: Review, status: DuplicateStatus, *, limit: int, offset: int
) -> DuplicatePage:
    assert review.id is not None
    total, rows = DedupRepository(session).queue(review.id, status, limit=limit, offset=offset)
    return DuplicatePage(items=[_pair(link, a, b) for link, a, b in rows], total=total)


def _pair(link: DuplicateLink, left: Record, right: Record) -> DuplicatePair:
    assert link.id is not None
    return DuplicatePair(
        id=link.id,
        status=link.status,
        score=link.score,
        scores=link.scores,
        reason=link.reason,
        decided_by_id=link.decided_by_id,
        decided_at=link.decided_at,
        record_a=DuplicateRecord.model_validate(left),
        record_b=DuplicateRecord.model_validate(right),
    )


def decide_pair(
    session: Session, review: Review, actor: User, link_id: int, decision: str
) -> DuplicatePair:
    """A person's word on a pair: ``confirmed`` merges it, ``rejected`` keeps it apart for good."""
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
    if target is S.CONFIRMED:
        _check_confirmable(rows, [other for other in links if other is not link], link)
    link.status, link.decided_by_id, link.decided_at = target, actor.id, utc_now()
    before = {row.id: row.duplicate_of_id for row in rows}
    kept = _apply_clusters(repo, rows, links, before)
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
    return _pair(link, *repo.records(link.record_a_id, link.record_b_id))


def _check_confirmable(
    rows: Sequence[Row[Any]], others: Sequence[DuplicateLink], link: DuplicateLink
) -> None:
    clusters, _refused = _cluster(rows, others)
    refusal = clusters.refusal(link.record_a_id, link.record_b_id)
    if refusal is not None:
        raise Conflict(
            f"duplicate pair {link.id} cannot be confirmed: it would join {refusal}. Records "
            "with different DOIs or PMIDs are different publications (correct a wrong "
            "identifier first); a pair a person kept apart must be confirmed itself"
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
