"""A per-process cache of title/abstract stage states, brought up to date with new votes only.

Decisions are immutable and append-only, so a cached state is updated by reading the events
after the last one seen and recomputing just the records they touch. Anything else that shapes
the state (records, duplicates, resolutions, members, settings) is checked by a cheap signature
on every call; a change there, or a vote that committed out of id order, rebuilds the entry.
The database stays the single source of truth: each worker keeps its own copy.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace

from sqlmodel import Session

from api.repositories.screening import ScreeningRepository
from api.services.screening_stage import StageState
from api.tables import Review
from screening.decisions import stage_statuses
from screening.model import DecisionEvent, Stage

MAX_ENTRIES = 16


@dataclass(frozen=True, slots=True)
class _Entry:
    signature: Hashable
    last_seq: int
    state: StageState
    by_record: dict[int, list[DecisionEvent]]


_lock = threading.Lock()
_entries: OrderedDict[Hashable, _Entry] = OrderedDict()
_building: dict[Hashable, threading.Lock] = {}


def cached_stage(
    session: Session, review: Review, stage: Stage, build: Callable[[], StageState]
) -> StageState:
    """The stage state, from the cache when only new votes arrived since it was built."""
    assert review.id is not None
    repo = ScreeningRepository(session)
    key = (str(session.get_bind().engine.url), review.id, review.created_at.isoformat(), stage)
    signature = (
        repo.stage_signature(review.id),
        json.dumps(review.settings, sort_keys=True),
    )
    with _lock:
        entry = _entries.get(key)
    if entry is None or entry.signature != signature:
        with _build_lock(key):  # one build per stage; concurrent callers wait and reuse it
            with _lock:
                entry = _entries.get(key)
            if entry is None or entry.signature != signature:
                return _store(key, signature, build())
    new = repo.log(review.id, stage, after_seq=entry.last_seq)
    state = entry.state
    if repo.count_decisions(review.id, stage) != len(state.log) + len(new):
        return _store(key, signature, build())  # a vote committed out of id order: rebuild
    if not new:
        return state
    return _advance(key, entry, new, repo)


def _build_lock(key: Hashable) -> threading.Lock:
    with _lock:
        return _building.setdefault(key, threading.Lock())


def _store(key: Hashable, signature: Hashable, state: StageState) -> StageState:
    log = state.log
    by_record: dict[int, list[DecisionEvent]] = {}
    for event in log:
        by_record.setdefault(event.record_id, []).append(event)
    last = log[-1].seq if log else 0
    with _lock:
        _entries[key] = _Entry(signature, last, state, by_record)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return state


def _advance(
    key: Hashable, entry: _Entry, new: list[DecisionEvent], repo: ScreeningRepository
) -> StageState:
    state = entry.state
    by_record = dict(entry.by_record)
    for event in new:
        by_record[event.record_id] = [*by_record.get(event.record_id, []), event]
    touched = sorted({event.record_id for event in new} & set(state.statuses))
    events = [e for record_id in touched for e in by_record[record_id]]
    statuses = dict(state.statuses)
    statuses.update(
        stage_statuses(
            touched,
            events,
            state.resolutions,
            state.settings,
            state.stage,
            active_reviewers=state.screeners,
        )
    )
    advanced = replace(state, log=[*state.log, *new], statuses=statuses)
    with _lock:
        _entries[key] = _Entry(entry.signature, new[-1].seq, advanced, by_record)
    return advanced
