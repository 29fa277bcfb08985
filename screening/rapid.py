"""The Cochrane Rapid Reviews rule: calibration, dual screening until agreement, then single.

Replays the decision log to find whether and when the gate to single screening opened.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from screening.agreement import AgreementStats, stage_agreement
from screening.decisions import RapidPhase
from screening.model import (
    DecisionEvent,
    InvalidSettings,
    Mode,
    RecordId,
    ReviewerId,
    Stage,
    StageSettings,
)


@dataclass(frozen=True, slots=True)
class RapidGate:
    """The rapid-mode state of a stage, reportable as is (methods text, progress, audit).

    ``dual`` is the records dual-screened so far, in order; it grows by one batch each time the
    dual set is complete but agreement is below the threshold.
    """

    calibration: tuple[RecordId, ...]
    dual: tuple[RecordId, ...]
    team: frozenset[ReviewerId]
    opened: bool
    opened_at_seq: int | None = None
    opened_at: datetime | None = None
    agreement: AgreementStats | None = None  # at the switch, or at the last failed check
    batches_added: int = 0
    note: str = ""

    def switch(self) -> RapidSwitch | None:
        """What to store when the gate has opened (None while dual screening goes on)."""
        if not self.opened or self.opened_at_seq is None or self.opened_at is None:
            return None
        return RapidSwitch(self.opened_at_seq, self.opened_at, self.calibration, self.dual)

    def phase(self) -> RapidPhase:
        """What `decisions.stage_statuses` needs to apply the rapid rule record by record."""
        return RapidPhase(
            calibration=frozenset(self.calibration),
            dual=frozenset(self.dual),
            team=self.team,
            gate_open=self.opened,
        )


@dataclass(frozen=True, slots=True)
class RapidSwitch:
    """The switch to single screening as the API stores it once the gate has opened.

    Passed back to `evaluate_gate`, it keeps the gate open and the dual set fixed even when
    records are added later or the team changes (which would otherwise move the sets).
    """

    seq: int
    at: datetime
    calibration: tuple[RecordId, ...]
    dual: tuple[RecordId, ...]


def rapid_order(record_ids: Iterable[RecordId], seed: int) -> tuple[RecordId, ...]:
    """A reproducible random order; calibration and dual sets are its first records (RRMG).

    Each record's place depends only on its id and the seed, so importing more records never
    reshuffles the ones already there.
    """
    return tuple(sorted(set(record_ids), key=lambda record_id: _draw(seed, record_id)))


def _draw(seed: int, record_id: RecordId) -> tuple[bytes, RecordId]:
    return hashlib.sha256(f"{seed}:{record_id}".encode()).digest(), record_id


def dual_target(n_records: int, settings: StageSettings) -> int:
    """ceil(fraction x N), and never fewer than the calibration set (counted inside it)."""
    fraction = Fraction(settings.dual_fraction).limit_denominator(10**6)
    return min(n_records, max(math.ceil(fraction * n_records), settings.calibration_size))


def evaluate_gate(
    order: Sequence[RecordId],
    log: Sequence[DecisionEvent],
    settings: StageSettings,
    stage: Stage,
    team: Collection[ReviewerId],
    *,
    recorded: RapidSwitch | None = None,
) -> RapidGate:
    """Replay ``log`` in seq order; the gate opens at the first event after which the calibration
    set has every team member's vote, each dual record two votes, and first-vote kappa on the dual
    set reaches the threshold (DOMAIN.md S3).

    Records that already have votes at ``stage`` keep their place at the front of ``order``, so
    records imported later never push a screened record out of the dual set.
    """
    if settings.mode is not Mode.RAPID:
        raise InvalidSettings(f"{stage.value} is screened in {settings.mode.value} mode, not rapid")
    if len(set(order)) != len(order):
        raise ValueError("the screening order lists a record twice")
    events = sorted((e for e in log if e.stage == stage), key=lambda e: e.seq)
    if recorded is not None:
        return _recorded_gate(recorded, events, stage, team)
    voted = {e.record_id for e in events}
    order = [r for r in order if r in voted] + [r for r in order if r not in voted]
    calibration = tuple(order[: min(settings.calibration_size, len(order))])
    required = {record_id: max(2, len(team)) for record_id in calibration}
    replay = _Replay(order, dual_target(len(order), settings), required)
    for position, event in enumerate(events):
        replay.add_vote(event)
        while replay.dual_complete():
            stats = stage_agreement(
                events[: position + 1], stage, records=replay.dual_set()
            ).overall
            if _passes(stats, settings.agreement_threshold):
                return replay.result(team, stats, opened_by=event)
            if not replay.extend(settings.extra_dual_batch):
                return replay.result(team, stats, note="every record was dual-screened")
            replay.last_stats = stats
    return replay.result(team, replay.last_stats)


def _recorded_gate(
    switch: RapidSwitch,
    events: Sequence[DecisionEvent],
    stage: Stage,
    team: Collection[ReviewerId],
) -> RapidGate:
    before = [e for e in events if e.seq <= switch.seq]
    stats = stage_agreement(before, stage, records=set(switch.dual)).overall
    return RapidGate(
        calibration=switch.calibration,
        dual=switch.dual,
        team=frozenset(team),
        opened=True,
        opened_at_seq=switch.seq,
        opened_at=switch.at,
        agreement=stats,
        note="recorded switch",
    )


def _passes(stats: AgreementStats, threshold: float) -> bool:
    if stats.kappa is None:
        # Kappa is undefined only when both raters gave one identical answer throughout.
        return stats.n > 0 and stats.percent_agreement == 1.0
    return stats.kappa >= threshold


class _Replay:
    """Incremental completion counts for the growing dual set."""

    def __init__(
        self, order: Sequence[RecordId], dual_size: int, required: dict[RecordId, int]
    ) -> None:
        self.order = order
        self.size = dual_size
        self.required = required
        self.voters: dict[RecordId, set[ReviewerId]] = defaultdict(set)
        self.batches = 0
        self._dual = set(order[:dual_size])
        self.last_stats: AgreementStats | None = None
        self._complete = sum(self._is_complete(r) for r in order[:dual_size])

    def _is_complete(self, record_id: RecordId) -> bool:
        return len(self.voters[record_id]) >= self.required.get(record_id, 2)

    def add_vote(self, event: DecisionEvent) -> None:
        voters = self.voters[event.record_id]
        was_complete = self._is_complete(event.record_id)
        voters.add(event.reviewer_id)
        if (
            event.record_id in self._dual
            and not was_complete
            and self._is_complete(event.record_id)
        ):
            self._complete += 1

    def dual_set(self) -> frozenset[RecordId]:
        return frozenset(self._dual)

    def dual_complete(self) -> bool:
        return self.size > 0 and self._complete == self.size

    def extend(self, batch: int) -> bool:
        if self.size >= len(self.order):
            return False
        added = self.order[self.size : self.size + batch]
        self.size += len(added)
        self._dual.update(added)
        self.batches += 1
        self._complete += sum(self._is_complete(r) for r in added)
        return True

    def result(
        self,
        team: Collection[ReviewerId],
        stats: AgreementStats | None,
        *,
        opened_by: DecisionEvent | None = None,
        note: str = "",
    ) -> RapidGate:
        return RapidGate(
            calibration=tuple(r for r in self.order if r in self.required),
            dual=tuple(self.order[: self.size]),
            team=frozenset(team),
            opened=opened_by is not None,
            opened_at_seq=None if opened_by is None else opened_by.seq,
            opened_at=None if opened_by is None else opened_by.at,
            agreement=stats,
            batches_added=self.batches,
            note=note,
        )
