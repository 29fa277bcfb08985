"""Estimate how many relevant records remain unscreened, with an upper confidence bound. Pure.

Method: the hypergeometric test of Callaghan & Müller-Hansen (2020), "Statistical stopping
criteria for automated screening in systematic reviews", Systematic Reviews 9:273
(doi:10.1186/s13643-020-01521-4), in its ranked quasi-sampling form: the most recently screened
records are treated as a random sample of themselves plus everything not yet screened. Why: it is
published, needs no extra screening or model calibration, and errs on the safe side (prioritisation
shows likely-relevant records first, so the recent window is richer than what remains and the
estimate overstates rather than understates what is left). Never a guarantee: see CAVEAT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import hypergeom  # type: ignore[import-untyped, unused-ignore]

from screening.model import ScreeningError

METHOD = (
    "Hypergeometric ranked quasi-sampling (Callaghan & Müller-Hansen 2020, Syst Rev 9:273): "
    "the most recent half of the screened records treated as a random sample of them plus the "
    "unscreened records"
)
CAVEAT = (
    "An estimate, not a certainty. It assumes the recently screened records are no less likely "
    "to be relevant than those not yet screened, which holds when the queue is prioritised but "
    "cannot be checked; records the search never found are not counted."
)
DEFAULT_CONFIDENCE = 0.95
# The window is the most recent half of the decisions: late enough to reflect the current,
# lower-yield part of the ranking, large enough to give a usable bound.
WINDOW_FRACTION = 0.5


class InvalidEstimateInput(ScreeningError):
    """Counts or a confidence level that cannot produce an estimate."""


@dataclass(frozen=True, slots=True)
class RemainingEstimate:
    """Relevant records still unscreened: `point` within [`lower`, `upper`] at `confidence`.

    The interval is one-sided (`lower` is always 0): the method bounds what may be missed from
    above; it cannot rule out that nothing relevant remains.
    """

    point: float | None  # None before any decision: no information yet
    lower: int
    upper: int
    confidence: float
    unscreened: int
    window: int
    relevant_in_window: int
    method: str = METHOD
    caveat: str = CAVEAT


def estimate_remaining(
    decisions: Sequence[bool], unscreened: int, *, confidence: float = DEFAULT_CONFIDENCE
) -> RemainingEstimate:
    """Estimate from the screening decisions so far, in the order made (True = included)."""
    if unscreened < 0:
        raise InvalidEstimateInput(f"unscreened must be >= 0, got {unscreened}")
    if not 0 < confidence < 1:
        raise InvalidEstimateInput(f"confidence must be between 0 and 1, got {confidence}")
    window = max(1, round(len(decisions) * WINDOW_FRACTION)) if decisions else 0
    hits = sum(bool(decision) for decision in decisions[len(decisions) - window :])
    if unscreened == 0:
        return RemainingEstimate(0.0, 0, 0, confidence, 0, window, hits)
    if window == 0:  # nothing screened yet: anything is possible
        return RemainingEstimate(None, 0, unscreened, confidence, unscreened, 0, 0)
    point = hits * unscreened / window
    upper = _upper_bound(hits, window, unscreened, 1 - confidence)
    return RemainingEstimate(point, 0, upper, confidence, unscreened, window, hits)


def _upper_bound(hits: int, window: int, unscreened: int, alpha: float) -> int:
    """Largest count remaining that would still make `hits` or fewer in the window plausible.

    Population: window + unscreened records, of which hits + r are relevant; the window is a
    sample of `window` of them. r is kept while P(X <= hits) >= alpha (one-sided test).
    """
    population = window + unscreened

    def plausible(remaining: int) -> bool:
        return bool(hypergeom.cdf(hits, population, hits + remaining, window) >= alpha)

    low, high = 0, unscreened  # P(X <= hits) falls as `remaining` grows; plausible(0) is True
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if plausible(middle) else (low, middle - 1)
    return low
