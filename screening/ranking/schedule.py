"""When the ranking is retrained: the one schedule the service worker and `winnow simulate` share.

Rule: retrain after every decision while a fit is cheap, and never let the ranking fall more than
a few decisions behind when it is not. A reviewer spends seconds on each title and abstract, so a
fit that takes at most `CHEAP_FIT_SECONDS` is redone after every decision and is ready before the
next record is asked for (fits take 0.01-0.2 s on 10,000 records). A slower fit is redone once
as many decisions have arrived as it took seconds (rounded up): the worker then spends about a
second per decision on retraining whatever the review's size, and the ranking a reviewer sees is
at most that many decisions old. Pure: the caller measures the fit and counts the decisions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CHEAP_FIT_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class RetrainSchedule:
    """`due` says whether to retrain now; `cheap_fit_seconds` is the budget per decision."""

    cheap_fit_seconds: float = CHEAP_FIT_SECONDS

    def __post_init__(self) -> None:
        if not self.cheap_fit_seconds > 0:
            raise ValueError(f"cheap_fit_seconds must be > 0, got {self.cheap_fit_seconds}")

    def decisions_between_fits(self, last_fit_seconds: float) -> int:
        """How many new decisions wait for a retrain, given how long the last fit took."""
        return max(1, math.ceil(max(0.0, last_fit_seconds) / self.cheap_fit_seconds))

    def due(self, decisions_since_fit: int, last_fit_seconds: float) -> bool:
        """Retrain now? `decisions_since_fit` counts decisions made after the last fit began
        reading them; `last_fit_seconds` is that fit's duration (0.0 before the first fit)."""
        return decisions_since_fit >= self.decisions_between_fits(last_fit_seconds)


SERVED_SCHEDULE = RetrainSchedule()
