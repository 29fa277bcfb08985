"""NCBI rate limits that hold across every worker process sharing one database.

On PostgreSQL the slots live in ``rate_slot``, read and reserved under a transaction-scoped
advisory lock and timed by the database's clock; on SQLite (one worker) the process-wide
in-memory limiter of ``importers.pubmed`` is enough.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from sqlalchemy import delete, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.db import is_sqlite
from api.tables import RateSlot
from importers.pubmed.ratelimit import (
    NCBI_RATE_WITH_KEY,
    NCBI_RATE_WITHOUT_KEY,
    SAFETY_MARGIN_SECONDS,
    RateLimiter,
    next_slot,
    process_rate_limiter,
)

_KEEP_PERIODS = 10  # slots older than this many periods are deleted while reserving


class DatabaseRateLimiter:
    """At most ``max_requests`` starts per ``period`` seconds for one key, across processes."""

    def __init__(
        self,
        engine: Engine,
        key: str,
        max_requests: int,
        period: float = 1.0 + SAFETY_MARGIN_SECONDS,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.engine = engine
        self.key = key
        self.max_requests = max_requests
        self.period = period
        self._sleep = sleep
        digest = hashlib.sha256(f"winnow-rate:{key}".encode()).digest()
        self._lock_id = int.from_bytes(digest[:8], "big", signed=True)

    def acquire(self) -> None:
        """Reserve the earliest slot that keeps the rule, then sleep until it."""
        slot, now = self._reserve()
        if slot > now:
            self._sleep(slot - now)

    def _reserve(self) -> tuple[float, float]:
        with Session(self.engine) as session, session.begin():
            session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": self._lock_id})
            now = float(
                session.execute(text("SELECT EXTRACT(EPOCH FROM clock_timestamp())")).scalar_one()
            )
            statement = (
                select(RateSlot.slot_at)
                .where(RateSlot.key == self.key, RateSlot.slot_at > now - self.period)
                .order_by(col(RateSlot.slot_at))
            )
            recent = list(session.exec(statement).all())
            slot = next_slot(recent, now, max_requests=self.max_requests, period=self.period)
            session.add(RateSlot(key=self.key, slot_at=slot))
            cutoff = now - _KEEP_PERIODS * self.period
            session.execute(
                delete(RateSlot).where(
                    col(RateSlot.key) == self.key, col(RateSlot.slot_at) < cutoff
                )
            )
        return slot, now


def ncbi_limiter(engine: Engine, *, api_key: str) -> RateLimiter:
    """The limiter for NCBI requests: shared by workers on PostgreSQL, per process on SQLite.

    NCBI counts keyless traffic per address and keyed traffic per key, hence the key names."""
    if is_sqlite(engine):
        return process_rate_limiter(has_api_key=bool(api_key))
    if api_key:
        key_id = hashlib.sha256(api_key.encode()).hexdigest()[:16]
        return DatabaseRateLimiter(engine, f"ncbi:key:{key_id}", NCBI_RATE_WITH_KEY)
    return DatabaseRateLimiter(engine, "ncbi:nokey", NCBI_RATE_WITHOUT_KEY)
