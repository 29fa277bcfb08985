"""Prioritised queues: a background worker ranks each stage and writes the ranks into its rows.

`next` only reads `screening_state.priority` (lowest first), so it never waits for training.
The worker notices new decisions and resolutions by reading the log's newest ids, so any
process sees every other process's votes; it retrains a stage when what the model may learn
from changed (the settled records: other reviewers' open votes are never an input, for
blinding) and the core's retraining schedule (`screening.ranking.schedule`, the one `winnow
simulate` replays) says a fit is due, once more if decisions arrived meanwhile (coalescing),
and rests between two trainings of a stage (`REST_FACTOR`, `MIN_REST`), so a large review
never takes more than a bounded share of the machine (the model runs in a child process at
low CPU priority, off the interpreter that serves requests). One worker trains a stage at a
time: it holds a lease on the stage row that it renews, and any worker takes over a lease
that expired. The stage's text features, the expensive part, are built when records are
imported (the worker reads the newest import ids too), before anyone votes, and the worker
whose model process keeps them keeps the stage's lease while it runs (docs/DECISIONS.md 61).
"""

from __future__ import annotations

import atexit
import hashlib
import itertools
import logging
import multiprocessing
import multiprocessing.context
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from api.db import make_engine
from api.jobs import worker_name
from api.repositories.screening.prioritization import Cursor, RankingRepository
from api.repositories.screening.votes import ScreeningRepository
from api.tables import utc_now
from screening.model import Stage
from screening.ranking.ranker import Ranker, RankingText, record_text
from screening.ranking.schedule import SERVED_SCHEDULE

logger = logging.getLogger("winnow.ranking")

# A ranking's positions sit below every record id, and each new ranking below the last, so the
# newest ranking comes first, then what is left of older ones, then records never ranked.
EPOCH_SPAN = 2**24
# A ranking writes its first positions only: reviewers take from the front, and rewriting every
# position of a large review after each retraining would keep the database busy for nothing.
# How many: four per record settled since the last ranking (the front reviewers consumed, with
# room), between TOP_MIN and TOP. Every FULL_EVERY-th ranking of a stage of at most FULL_LIMIT
# records writes them all.
TOP_MIN = 200
TOP = 2_000
FULL_EVERY = 10
FULL_LIMIT = 20_000
WRITE_BATCH = 200
# Between two trainings of a stage the worker rests REST_FACTOR times as long as the last one
# took (reading, training, writing), and at least MIN_REST seconds: a small review is retrained
# about once a second while decisions come in, a large one uses a bounded share of the machine.
REST_FACTOR = 4.0
MIN_REST = 2.0
POLL_SECONDS = 2.0
PASS_INTERVAL = 0.25
RECHECK_SECONDS = 2.0  # a last look after activity stops: votes that committed out of id order
LEASE = timedelta(seconds=60)
NICENESS = 19  # the lowest priority: it uses only what requests leave

StageKey = tuple[int, Stage]

_WORKERS: set[RankingWorker] = set()
_worker_numbers = itertools.count(1)


def is_ranked(priority: int) -> bool:
    """Whether a queue position came from the prioritiser (the import order otherwise)."""
    return priority < 0


def ranked_priority(epoch: int, position: int) -> int:
    return position - EPOCH_SPAN * epoch


_WAKE = "winnow.wake_rankers"


def decisions_changed(session: Session) -> None:
    """Wake this process's ranking workers once the caller's transaction commits (a mark on
    the session that one listener reads: a listener added per vote cost 7% of the vote)."""
    session.info[_WAKE] = True


@event.listens_for(OrmSession, "after_commit")
def _wake_all(session: OrmSession) -> None:
    if session.info.pop(_WAKE, False):
        for worker in list(_WORKERS):
            worker.wake()


@event.listens_for(OrmSession, "after_rollback")
def _forget(session: OrmSession) -> None:
    session.info.pop(_WAKE, None)  # nothing was decided


def wait_idle(timeout: float = 60.0) -> None:
    """Wait until this process's workers have ranked every stage they were woken for (tests)."""
    deadline = time.monotonic() + timeout
    for worker in list(_WORKERS):
        worker.wait_idle(max(0.0, deadline - time.monotonic()))


@dataclass
class _Pending:
    due: float
    recheck: bool = False
    prepare: bool = False  # records were imported: build the text features before any vote


@dataclass(eq=False)
class RankingWorker:
    """One thread per app: finds stages whose decisions moved, trains and writes their ranks."""

    engine: Engine
    poll_seconds: float = POLL_SECONDS
    name: str = field(default_factory=lambda: f"{worker_name()}:rank{next(_worker_numbers)}")
    _cursor: Cursor | None = None  # decisions from the first, imports from the worker's start
    _pending: dict[StageKey, _Pending] = field(default_factory=dict)
    _rest_until: dict[StageKey, float] = field(default_factory=dict)
    _settled: dict[StageKey, int] = field(default_factory=dict)  # at the last ranking
    _fit_seconds: dict[StageKey, float] = field(default_factory=dict)  # the last fit's duration
    _holding: frozenset[StageKey] = frozenset()  # stages whose features our model process keeps
    _renew_at: float = 0.0
    _wake: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _idle: threading.Condition = field(default_factory=threading.Condition)
    _asked: int = 0
    _answered: int = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="winnow-ranker", daemon=True)
        _WORKERS.add(self)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        _WORKERS.discard(self)
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        try:
            self._hold(frozenset())  # another worker may take the stages at once
        except Exception:  # the database may be gone already: the lease then simply expires
            logger.exception("ranking worker: could not give its lease back")

    def wake(self) -> None:
        with self._idle:
            self._asked += 1
        self._wake.set()

    def wait_idle(self, timeout: float) -> None:
        with self._idle:
            asked = self._asked
            if not self._idle.wait_for(lambda: self._answered >= asked, timeout):
                raise TimeoutError("the ranking worker did not finish in time")

    def _loop(self) -> None:
        while not self._stop.is_set():
            began = time.monotonic()
            with self._idle:
                asked = self._asked
            try:
                self._pass()
            except Exception:  # the database may be briefly unreachable: try again later
                logger.exception("ranking worker: a pass failed")
            with self._idle:
                if not self._pending_work():
                    self._answered = asked
                    self._idle.notify_all()
            self._wake.wait(self._sleep_seconds())
            self._wake.clear()
            # Votes wake the worker one by one; looking a few times a second is enough.
            self._stop.wait(max(0.0, PASS_INTERVAL - (time.monotonic() - began)))

    def _pending_work(self) -> bool:
        """Stages still to rank (now or after their rest); a last look does not count."""
        return any(not p.recheck for p in self._pending.values())

    def _sleep_seconds(self) -> float:
        now = time.monotonic()
        soonest = min((p.due for p in self._pending.values()), default=now + self.poll_seconds)
        if self._holding:
            soonest = min(soonest, self._renew_at)
        return max(0.0, min(self.poll_seconds, soonest - now))

    def _pass(self) -> None:
        with Session(self.engine) as session:
            repo = RankingRepository(session)
            if self._cursor is None:
                self._cursor = (0, 0, repo.newest_import())
            touched, imported, self._cursor = repo.touched_since(self._cursor)
        now = time.monotonic()
        for key in touched | imported:
            prepare = key in imported or (key in self._pending and self._pending[key].prepare)
            self._pending[key] = _Pending(max(now, self._rest_until.get(key, now)), prepare=prepare)
        self._keep_lease()
        for key, pending in sorted(self._pending.items(), key=lambda kv: kv[1].due):
            if self._stop.is_set():
                return
            if pending.due > time.monotonic():
                continue
            del self._pending[key]
            started = time.monotonic()
            ranked, built = self._rank(key, pending.prepare)
            # The rest follows what a retraining costs; building the features is done once.
            took = max(0.0, time.monotonic() - started - built)
            rest = max(MIN_REST, REST_FACTOR * took) if ranked else REST_FACTOR * took
            self._rest_until[key] = time.monotonic() + rest
            if ranked and not pending.recheck:
                self._pending.setdefault(key, _Pending(time.monotonic() + RECHECK_SECONDS, True))

    def _keep_lease(self) -> None:
        """Keep the leases of the stages whose features our model process holds while this
        worker runs, even between decisions: the features of a large review take a minute to
        build, and a stage handed to another worker would have them built again there."""
        if not self._holding or time.monotonic() < self._renew_at:
            return
        self._renew_at = time.monotonic() + LEASE.total_seconds() / 3
        self._holding = frozenset(key for key in self._holding if self._renew(key))

    def _hold(self, keys: frozenset[StageKey]) -> None:
        """Our model process now keeps the features of *keys*: give back the leases of the
        stages it dropped, so that any worker may take them."""
        for key in self._holding - keys:
            with Session(self.engine) as session, session.begin():
                RankingRepository(session).give_back_lease(*key, self.name)
        if keys - self._holding:
            self._renew_at = time.monotonic() + LEASE.total_seconds() / 3
        self._holding = keys

    def _rank(self, key: StageKey, prepare: bool = False) -> tuple[bool, float]:
        """Rank one stage if this worker holds its lease and what the model learns from changed
        (the child process reads the stage, so the reading too stays off this interpreter);
        with *prepare*, build its text features even if it cannot rank yet. Whether it ranked,
        and the seconds spent building features."""
        review_id, stage = key
        with Session(self.engine) as session, session.begin():
            repo = RankingRepository(session)
            if not repo.take_lease(review_id, stage, self.name, utc_now(), LEASE):
                self._look_again_when_lease_ends(key, repo.lease_until(review_id, stage))
                return False, 0.0
            previous = repo.stage(review_id, stage)
        url = self.engine.url.render_as_string(hide_password=False)
        last_fit = (self._settled.get(key), self._fit_seconds.get(key, 0.0))
        work = _model().submit(
            rank_in_child, url, review_id, stage, previous.ranked_labels, last_fit, prepare
        )
        while not self._renewed_until_done(work):
            if not self._renew(key):
                work.cancel()
                return False, 0.0  # taken over meanwhile (this worker stalled): the holder ranks
        answer = work.result()
        self._hold(frozenset(answer.kept) & (self._holding | {key}))
        if answer.ranking is None:
            return False, answer.build_seconds
        digest, order, settled, self._fit_seconds[key] = answer.ranking
        settled_before, self._settled[key] = self._settled.get(key), settled
        epoch = previous.ranked_epoch + 1
        full = len(order) <= TOP_MIN or (epoch % FULL_EVERY == 1 and len(order) <= FULL_LIMIT)
        written = order if full else order[: _front(settled_before, settled)]
        for start in range(0, len(written), WRITE_BATCH):
            chunk = written[start : start + WRITE_BATCH]
            with Session(self.engine) as session, session.begin():
                repo = RankingRepository(session)
                if not repo.take_lease(review_id, stage, self.name, utc_now(), LEASE):
                    return False, answer.build_seconds
                repo.write_priorities(
                    stage, {r: ranked_priority(epoch, start + i) for i, r in enumerate(chunk)}
                )
        with Session(self.engine) as session, session.begin():
            RankingRepository(session).ranked(review_id, stage, self.name, epoch, digest, utc_now())
        return True, answer.build_seconds

    def _look_again_when_lease_ends(self, key: StageKey, until: datetime | None) -> None:
        """Another worker holds the stage: if it stops (a restarted server, a lost machine), the
        stage must not wait for the next decision to be ranked again, so look once more when
        its lease ends (a last look, which `wait_idle` does not wait for)."""
        left = (until - utc_now()).total_seconds() if until is not None else 0.0
        self._pending[key] = _Pending(time.monotonic() + max(PASS_INTERVAL, left), recheck=True)

    def _renewed_until_done(self, work: Future[Answer]) -> bool:
        """Wait for the model a third of a lease at most; True once it is done."""
        wait([work], timeout=LEASE.total_seconds() / 3)
        return work.done()

    def _renew(self, key: StageKey) -> bool:
        with Session(self.engine) as session, session.begin():
            return RankingRepository(session).take_lease(*key, self.name, utc_now(), LEASE)


def _front(settled_before: int | None, settled: int) -> int:
    """How many positions to write: enough for what reviewers take before the next ranking."""
    if settled_before is None:
        return TOP
    return max(TOP_MIN, min(TOP, 4 * (settled - settled_before) + TOP_MIN))


def _both_classes(labels: dict[int, bool]) -> bool:
    """Cold start: the model needs one inclusion and one exclusion before it ranks."""
    return any(labels.values()) and not all(labels.values())


def _digest(members: Sequence[int], labels: dict[int, bool]) -> str:
    text = repr((list(members), sorted(labels.items())))
    return hashlib.sha256(text.encode()).hexdigest()


# The model, in a child process: its text features are the expensive part and stay cached there.

_POOL: ProcessPoolExecutor | None = None
_POOL_GUARD = threading.Lock()


def _model() -> ProcessPoolExecutor:
    global _POOL
    with _POOL_GUARD:
        if _POOL is None:
            _POOL = ProcessPoolExecutor(1, mp_context=_SpawnDaemons(), initializer=_lower_priority)
            atexit.register(_POOL.shutdown, cancel_futures=True)
        return _POOL


class _DaemonProcess(multiprocessing.context.SpawnProcess):
    """A model process is a daemon: a process that exits through multiprocessing (a server's
    worker) ends it, instead of waiting for it forever and being killed, leaving it behind."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.daemon = True


class _SpawnDaemons(multiprocessing.context.SpawnContext):
    Process = _DaemonProcess


def _lower_priority() -> None:
    os.nice(NICENESS)
    # The model's process ends with the process it serves, however that ends: a server's
    # worker processes leave through os._exit (no atexit) or may be killed outright.
    parent = os.getppid()

    def follow_parent() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=follow_parent, name="winnow-model-parent", daemon=True).start()


# What the model learnt from (a digest), the order, how many settled records it learnt from, and
# how long the fit took (the schedule's input).
Ranking = tuple[str, list[int], int, float]
# The last fit of a stage: how many settled records it learnt from (None: no fit in this
# worker yet) and how long it took.
LastFit = tuple[int | None, float]


class Answer(NamedTuple):
    """The child's answer: the ranking (None: nothing to rank, see `rank_in_child`), the
    stages of this database whose text features the child keeps, and how long building the
    stage's features took (0: kept from before)."""

    ranking: Ranking | None
    kept: tuple[StageKey, ...]
    build_seconds: float = 0.0


# The features the child keeps, least recently used first: as many stages as hold together at
# most FEATURE_RECORDS records, and always the last one used. Reviews screened side by side
# (several teams, or a review's two stages) then keep theirs instead of taking turns building
# them, and a 100,000-record review still fits.
FEATURE_RECORDS = 120_000
_RANKERS: OrderedDict[tuple[str, int, Stage], tuple[str, Ranker]] = OrderedDict()


def _kept(url: str) -> tuple[StageKey, ...]:
    return tuple((review_id, stage) for (at, review_id, stage) in _RANKERS if at == url)


def rank_in_child(
    url: str,
    review_id: int,
    stage: Stage,
    previous: str,
    last_fit: LastFit = (None, 0.0),
    prepare: bool = False,
) -> Answer:
    """The stage's unlabelled records, most likely relevant first, with a digest of what the
    model learnt from; no ranking when that did not change since *previous*, when the
    retraining schedule says the last fit is still fresh enough, or when the model cannot rank
    yet (runs in the child process, which keeps the text features of recent stages). With
    *prepare* the features are built even when there is nothing to rank yet: after an import,
    so that the first decisions are ranked at once."""
    key = (url, review_id, stage)
    engine = make_engine(url, pool_size=1, max_overflow=0)
    built = 0.0
    try:
        with Session(engine) as session:
            found = RankingRepository(session).stage_records(review_id, stage)
            digest = _digest(found.members, found.labels)
            wanted = (
                digest != previous and _both_classes(found.labels) and _due(found.labels, last_fit)
            )
            if not wanted and not (prepare and found.all_records):
                return Answer(None, _kept(url))
            ranker, built = _ranker(session, key, found.all_records)
    finally:
        engine.dispose()
    if not wanted:
        return Answer(None, _kept(url), built)
    index = {record_id: i for i, record_id in enumerate(found.all_records)}
    labelled = {index[r]: included for r, included in found.labels.items()}
    started = time.perf_counter()
    order = ranker.rank(labelled, skip=[index[r] for r in found.left_out()]).tolist()
    took = time.perf_counter() - started
    ids = [found.all_records[i] for i in order]
    return Answer((digest, ids, len(found.labels), took), _kept(url), built)


def _ranker(
    session: Session, key: tuple[str, int, Stage], records: Sequence[int]
) -> tuple[Ranker, float]:
    """The stage's ranker, built when the records that reached the stage changed (an import),
    and how long building it took (0: kept from before)."""
    records_digest = hashlib.sha256(repr(records).encode()).hexdigest()
    cached = _RANKERS.get(key)
    if cached is not None and cached[0] == records_digest:
        _RANKERS.move_to_end(key)
        return cached[1], 0.0
    _RANKERS.pop(key, None)
    started = time.perf_counter()
    ranker = Ranker(_texts(session, key[1], records))
    _RANKERS[key] = (records_digest, ranker)
    while len(_RANKERS) > 1 and sum(r.n_records for _d, r in _RANKERS.values()) > FEATURE_RECORDS:
        _RANKERS.popitem(last=False)  # they are large: the least recently used goes
    return ranker, time.perf_counter() - started


def _due(labels: dict[int, bool], last_fit: LastFit) -> bool:
    """The core schedule's answer: decisions since the last fit (settled records gained; a
    changed decision counts as one) against that fit's duration."""
    settled_then, fit_seconds = last_fit
    if settled_then is None:
        return True
    return SERVED_SCHEDULE.due(max(1, abs(len(labels) - settled_then)), fit_seconds)


def _texts(session: Session, review_id: int, members: Sequence[int]) -> list[RankingText]:
    rows = ScreeningRepository(session).texts(review_id, members)
    by_id = {row.id: record_text(row.title, row.abstract) for row in rows}
    return [by_id[r] for r in members]
