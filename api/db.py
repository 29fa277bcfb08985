"""Engine creation for SQLite (the embedded default) and PostgreSQL.

SQLite has one writer at a time, and its own wait for the write lock is a sleep-and-retry loop
(milliseconds to a tenth of a second per retry). So in this process writers take turns before
SQLite sees them (`WriterTurns`, first come first served): a connection takes its turn at its
first write (or earlier, with `hold_writer`) and gives it back when its transaction ends.
Readers never wait for it: in WAL mode they read the last committed state while a write goes on.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import deque
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Connections a process keeps open. Requests use at most POOL_SIZE - POOL_RESERVE of them at
# once (see request_session_slots): a connection beyond the kept ones is closed when it is
# returned, so letting requests overflow the pool would open and close a PostgreSQL connection
# (a server process) for most requests under load.
POOL_SIZE = 20
# Connections kept free of requests for background work (jobs, ranking, token bookkeeping).
POOL_RESERVE = 5
# Background work beyond the reserve (a burst of jobs) may open a few more for a while.
MAX_OVERFLOW = 10
# Requests served at once on SQLite: one interpreter runs them, so more only stretch each one
# (and the time a writer holds its turn) without adding throughput.
SQLITE_REQUEST_SLOTS = 1
# Statements that take SQLite's write lock (by their first seven characters): an explicit
# BEGIN IMMEDIATE/EXCLUSIVE takes it before any write, so it must take the turn too, or a
# writer holding the turn would wait on SQLite's lock while this one waits for the turn.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "BEGIN I", "BEGIN E")
_HOLDS = "winnow_writer_turns"
_IDLE_SINCE = "winnow_idle_since"
# A pooled PostgreSQL connection idle longer than this is pinged before use (see _ping_when_idle).
PING_AFTER_IDLE_SECONDS = 1.0


class WriterTurns:
    """A lock handed to waiters in arrival order; any thread may release it (a request's
    transaction can end on another worker thread than the one that wrote)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held = False
        self._waiting: deque[tuple[threading.Event, str]] = deque()
        # Who has the turn (thread, first write, since when): named when a writer times out.
        self._holder = ""
        self._since = 0.0

    def acquire(self, timeout: float, purpose: str = "") -> bool:
        me = f"{threading.current_thread().name}: {purpose[:80]}"
        with self._guard:
            if not self._held:
                self._held = True
                self._holder, self._since = me, time.monotonic()
                return True
            turn = threading.Event()
            self._waiting.append((turn, me))
        if turn.wait(timeout):
            return True
        with self._guard:
            if turn.is_set():  # handed over just as the wait ended
                return True
            self._waiting.remove((turn, me))
            return False

    def release(self) -> None:
        with self._guard:
            if self._waiting:
                turn, self._holder = self._waiting.popleft()
                self._since = time.monotonic()
                turn.set()  # stays held: the next in line owns it now
            else:
                self._held = False
                self._holder = ""

    def holder(self) -> str:
        """Who holds the turn and for how long, for the message of a writer that gave up."""
        with self._guard:
            if not self._held:
                return "nobody (it was just given back)"
            return f"{self._holder!r} for {time.monotonic() - self._since:.1f} s"


_TURNS: dict[str, WriterTurns] = {}
_ENGINE_TURNS: weakref.WeakKeyDictionary[Engine, WriterTurns] = weakref.WeakKeyDictionary()
_TURNS_GUARD = threading.Lock()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the pragmas and pool settings each backend needs."""
    parsed = make_url(url)
    # FastAPI runs sync handlers on up to 40 threads; a pool of 5 would make most of them wait.
    kwargs.setdefault("pool_size", POOL_SIZE)
    kwargs.setdefault("max_overflow", MAX_OVERFLOW)
    if parsed.get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _configure_sqlite)
        turns = _turns_for(parsed.database or "")
        _take_turns(engine, turns)
        _ENGINE_TURNS[engine] = turns
        return engine
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it sat idle for a while.

    A connection that served a request a moment ago is almost surely alive, and pinging it
    would add a round trip to every request (the busiest ones make five or six). One idle
    longer than `PING_AFTER_IDLE_SECONDS` may have been cut (a database restart, a proxy's idle
    timeout): it is pinged, and a dead one replaced before the request sees it. A restart
    faster than that is met by the request itself: its first statement fails, the pool drops
    every connection older than the failure, and the busiest routes retry once
    (`api.deps.OneTrip`)."""

    def checked_in(_dbapi: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def checked_out(dbapi: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi)
        except engine.dialect.loaded_dbapi.Error as exc:
            if engine.dialect.is_disconnect(exc, dbapi, None):
                raise DisconnectionError(str(exc)) from exc  # the pool connects anew
            raise
        if not alive:
            raise DisconnectionError("the connection did not answer a ping")

    event.listen(engine, "checkin", checked_in)
    event.listen(engine, "checkout", checked_out)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed during a write; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _turns_for(database: str) -> WriterTurns:
    """One queue per database file in this process, shared by every engine on it."""
    key = str(Path(database).resolve()) if database and database != ":memory:" else database
    with _TURNS_GUARD:
        return _TURNS.setdefault(key, WriterTurns())


def _take_turns(engine: Engine, turns: WriterTurns) -> None:
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def before_write(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip()[:7].upper().startswith(_WRITES):
            _hold(conn.connection, turns, statement)

    def do_commit(dbapi_connection: Any) -> None:
        try:
            commit(dbapi_connection)
        finally:
            _give_back(dbapi_connection)

    def do_rollback(dbapi_connection: Any) -> None:
        try:
            rollback(dbapi_connection)
        finally:
            _give_back(dbapi_connection)

    event.listen(engine, "before_cursor_execute", before_write)
    # After the transaction ends, not before (the dialect's commit, not the commit event).
    dialect.do_commit = do_commit  # type: ignore[method-assign]
    dialect.do_rollback = do_rollback  # type: ignore[method-assign]
    event.listen(engine, "checkin", lambda dbapi, record: _give_back(record))
    event.listen(engine, "close", lambda dbapi, record: _give_back(record))


def _hold(connection: Any, turns: WriterTurns, purpose: str = "") -> None:
    if _HOLDS in connection.info:
        return
    if not turns.acquire(SQLITE_BUSY_TIMEOUT_MS / 1000, purpose.strip()):
        raise TimeoutError(
            "database is locked: another write did not finish within 30 s "
            f"(held by {turns.holder()})"
        )
    connection.info[_HOLDS] = turns


def _give_back(connection: Any) -> None:
    try:
        info = connection.info
    except (AttributeError, NotImplementedError):  # a raw connection (first connect)
        return
    turns = info.pop(_HOLDS, None)
    if turns is not None:
        turns.release()


def hold_writer(session: Session) -> None:
    """Take this process's turn to write now, before the reads a write depends on, so nothing
    commits in between (SQLite; PostgreSQL locks rows instead and this does nothing)."""
    connection = session.connection()
    turns = _ENGINE_TURNS.get(connection.engine)
    if turns is not None:
        _hold(connection.connection, turns, "hold_writer")


def consistent_snapshot(session: Session) -> None:
    """Make every read of this (fresh) transaction see one moment, while others go on writing:
    PostgreSQL's repeatable read; on SQLite, the write lock (nobody commits until it ends)."""
    connection = session.connection()
    if is_sqlite(connection.engine):
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # takes the writer turn, as writes do
    else:
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def read_snapshot(session: Session) -> None:
    """Make every read of this (fresh) transaction see one moment without holding up writers,
    for a long read such as a streamed export: PostgreSQL's repeatable read; on SQLite a
    deferred transaction (the driver opens none for reads, so each statement would see its own
    moment), which under WAL reads one snapshot while others commit."""
    connection = session.connection()
    if is_sqlite(connection.engine):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def request_session_slots(engine: Engine) -> int:
    """How many requests may hold a session at once. On SQLite one at a time (see
    SQLITE_REQUEST_SLOTS); elsewhere the connections the pool keeps, less the background
    reserve. Not more: sessions beyond the connections would let requests that hold a
    connection wait for a worker thread that requests waiting for a connection hold, and
    sessions beyond the kept connections would open a new connection per request under load."""
    if is_sqlite(engine):
        return SQLITE_REQUEST_SLOTS
    kept = engine.pool.size() if isinstance(engine.pool, QueuePool) else POOL_SIZE
    return max(1, kept - POOL_RESERVE)
