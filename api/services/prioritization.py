"""Prioritised queues without making `next` wait: rankers are built and retrained in the background.

Per process: one Ranker per review stage (its TF-IDF takes seconds for 10,000 records) and, per
reviewer, the last ranked order with the decisions it learnt from. `next` uses whatever order is
ready (the default order while nothing is) and asks for a fresh one when the decisions changed.
Nothing here is needed by another worker: each builds its own, so the API stays stateless.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.repositories.screening import ScreeningRepository
from api.services.screening_stage import StageState
from screening.model import Vote
from screening.prioritize import Ranker, RankingText, record_text, visible_decisions

MAX_RANKERS = 8
MAX_ORDERS = 512
RETRAIN_FRACTION = 10
MIN_RETRAIN_STEP = 10
MAX_QUEUED = 2  # background jobs: beyond this, refreshes wait for the next request

RankerKey = tuple[str, int, str, str]  # database, review, review creation time, stage
OrderKey = tuple[RankerKey, int]  # ... and reviewer

_lock = threading.Lock()
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="winnow-ranker")
_rankers: OrderedDict[RankerKey, tuple[tuple[int, ...], Ranker]] = OrderedDict()
_orders: OrderedDict[OrderKey, tuple[int, int, tuple[int, ...]]] = OrderedDict()
_pending: dict[Hashable, Future[None]] = {}


def order_for(session: Session, state: StageState, reviewer_id: int) -> tuple[list[int], bool]:
    """The order to serve ``reviewer_id`` in, and whether it came from the ranker.

    The ranker learns only from what the reviewer may see: settled records and their own votes.
    """
    key = _ranker_key(session, state)
    record_ids = tuple(state.record_ids)
    with _lock:
        built = _rankers.get(key)
    if built is None or built[0] != record_ids:
        engine = session.get_bind().engine
        review_id = state.review_id
        _submit(key, lambda: _build(key, engine, review_id, record_ids))
        return list(record_ids), False
    labelled = _labelled(state, reviewer_id, {r: i for i, r in enumerate(record_ids)})
    if not (any(labelled.values()) and not all(labelled.values())):
        return list(record_ids), False  # cold start: default order until one of each
    fingerprint = hash(frozenset(labelled.items()))
    order_key = (key, reviewer_id)
    with _lock:
        ranked = _orders.get(order_key)
    if ranked is None or _worth_retraining(ranked[0], ranked[1], fingerprint, len(labelled)):
        ranker = built[1]
        _submit(
            order_key,
            lambda: _rank(order_key, ranker, record_ids, labelled, fingerprint),
            optional=ranked is not None,  # a first ranking always; refreshes when there is room
        )
    if ranked is None:
        return list(record_ids), False
    # A slightly stale ranking is fine: the queue skips records settled since; the default
    # order follows so nothing is ever left out.
    return [*ranked[2], *record_ids], True


def _worth_retraining(fingerprint: int, n_ranked: int, now: int, n_now: int) -> bool:
    """Retrain once the decisions grew by a tenth (at least ten): late decisions barely move
    the ranking, and 50 reviewers retraining after every vote would starve the server."""
    step = max(MIN_RETRAIN_STEP, n_ranked // RETRAIN_FRACTION)
    return now != fingerprint and n_now - n_ranked >= step


def wait_idle(timeout: float = 60.0) -> None:
    """Wait for queued builds and rankings to finish (tests and benchmarks use it)."""
    with _lock:
        futures = list(_pending.values())
    for future in futures:
        future.result(timeout=timeout)


def _labelled(state: StageState, reviewer_id: int, index: dict[int, int]) -> dict[int, bool]:
    settled = {
        index[r]: status.state.value == "included"
        for r, status in state.statuses.items()
        if status.state.settled and r in index
    }
    own: dict[int, bool] = {}
    for event in state.log:  # in seq order: the latest vote wins
        if event.reviewer_id == reviewer_id and event.record_id in index:
            own[index[event.record_id]] = event.vote is not Vote.EXCLUDE
    return visible_decisions(settled, own)


def _ranker_key(session: Session, state: StageState) -> RankerKey:
    bind = session.get_bind()
    review = ScreeningRepository(session).review(state.review_id)
    created = review.created_at.isoformat() if review is not None else ""
    return (str(bind.engine.url), state.review_id, created, state.stage.value)


def _texts(engine: Engine, review_id: int, record_ids: tuple[int, ...]) -> list[RankingText]:
    with Session(engine) as session:
        rows = ScreeningRepository(session).texts(review_id, record_ids)
    by_id = {row.id: record_text(row.title, row.abstract) for row in rows}
    return [by_id[r] for r in record_ids]


def _submit(key: Hashable, work: Callable[[], None], *, optional: bool = False) -> None:
    """Queue background work once per key; optional work is dropped while the queue is busy."""
    with _lock:
        if key in _pending and not _pending[key].done():
            return
        if optional and sum(not f.done() for f in _pending.values()) >= MAX_QUEUED:
            return
        future = _executor.submit(work)
        _pending[key] = future
    future.add_done_callback(lambda _f: _forget(key, future))


def _forget(key: Hashable, future: Future[None]) -> None:
    with _lock:
        if _pending.get(key) is future:
            del _pending[key]


def _build(key: RankerKey, engine: Engine, review_id: int, record_ids: tuple[int, ...]) -> None:
    """Read the texts and fit the TF-IDF off the request path (seconds for 10,000 records)."""
    ranker = Ranker(_texts(engine, review_id, record_ids))
    with _lock:
        _rankers[key] = (record_ids, ranker)
        _rankers.move_to_end(key)
        while len(_rankers) > MAX_RANKERS:
            _rankers.popitem(last=False)


def _rank(
    key: OrderKey,
    ranker: Ranker,
    record_ids: tuple[int, ...],
    labelled: dict[int, bool],
    fingerprint: int,
) -> None:
    order = tuple(record_ids[i] for i in ranker.rank(labelled).tolist())
    with _lock:
        _orders[key] = (fingerprint, len(labelled), order)
        _orders.move_to_end(key)
        while len(_orders) > MAX_ORDERS:
            _orders.popitem(last=False)
