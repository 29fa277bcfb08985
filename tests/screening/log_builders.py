"""Plain builders for screening tests (hand-made values, no fixtures on disk)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import count

from screening.model import DecisionEvent, Resolution, Stage, Vote

T0 = datetime(2026, 1, 1, tzinfo=UTC)


class Log:
    """Appends decision events with increasing seq and time, like the database would."""

    def __init__(self) -> None:
        self.events: list[DecisionEvent] = []
        self._seq: Iterator[int] = count(1)

    def next_seq(self) -> int:
        return next(self._seq)

    def vote(
        self,
        record_id: int,
        reviewer_id: int,
        vote: Vote | str,
        *,
        stage: Stage = Stage.TITLE_ABSTRACT,
        reason_id: int | None = None,
        note: str = "",
    ) -> DecisionEvent:
        seq = self.next_seq()
        event = DecisionEvent(
            seq=seq,
            record_id=record_id,
            reviewer_id=reviewer_id,
            stage=stage,
            vote=Vote(vote),
            at=T0 + timedelta(seconds=seq),
            reason_id=reason_id,
            note=note,
        )
        self.events.append(event)
        return event

    def pairs(
        self, pairs: Iterable[tuple[str, str]], *, first_record: int = 1, reviewers=(1, 2)
    ) -> None:
        """One record per pair: reviewer A votes pair[0], reviewer B votes pair[1]."""
        for record_id, (one, two) in enumerate(pairs, start=first_record):
            self.vote(record_id, reviewers[0], one)
            self.vote(record_id, reviewers[1], two)

    def resolution(
        self,
        record_id: int,
        vote: Vote | str,
        *,
        stage: Stage = Stage.TITLE_ABSTRACT,
        resolver_id: int = 99,
        reason: str = "discussed",
        reason_id: int | None = None,
    ) -> Resolution:
        seq = self.next_seq()
        return Resolution(
            seq=seq,
            record_id=record_id,
            stage=stage,
            vote=Vote(vote),
            resolver_id=resolver_id,
            reason=reason,
            at=T0 + timedelta(seconds=seq),
            reason_id=reason_id,
        )


def table_pairs(table: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    """Expand a contingency table {(vote1, vote2): count} into per-record vote pairs."""
    return [pair for pair, n in table.items() for _ in range(n)]


EXAMPLE_1 = {
    ("include", "include"): 20,
    ("include", "exclude"): 5,
    ("exclude", "include"): 10,
    ("exclude", "exclude"): 165,
}

# DOMAIN.md §3.5 example 2: rows R1, columns R2, include / maybe / exclude.
EXAMPLE_2 = {
    ("include", "include"): 15,
    ("include", "maybe"): 3,
    ("include", "exclude"): 2,
    ("maybe", "include"): 4,
    ("maybe", "maybe"): 6,
    ("maybe", "exclude"): 5,
    ("exclude", "include"): 1,
    ("exclude", "maybe"): 4,
    ("exclude", "exclude"): 160,
}

# DOMAIN.md §2.6: the rapid example's dual subset of 370 records.
RAPID_DUAL = {
    ("include", "include"): 30,
    ("include", "exclude"): 8,
    ("exclude", "include"): 12,
    ("exclude", "exclude"): 320,
}
