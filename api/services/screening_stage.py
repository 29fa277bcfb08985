"""The state of one screening stage, as every screening use case reads it."""

from __future__ import annotations

from dataclasses import dataclass

from screening.decisions import RecordStatus
from screening.model import DecisionEvent, Resolution, Stage, StageSettings
from screening.rapid import RapidGate


@dataclass(frozen=True, slots=True)
class StageState:
    review_id: int
    stage: Stage
    settings: StageSettings
    record_ids: list[int]  # records at this stage, default (import) order, no duplicates
    log: list[DecisionEvent]
    resolutions: list[Resolution]
    statuses: dict[int, RecordStatus]
    screeners: frozenset[int]
    gate: RapidGate | None

    def settled(self, record_id: int) -> bool:
        status = self.statuses.get(record_id)
        return status is not None and status.state.settled
