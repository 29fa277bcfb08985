"""Estimate how many relevant records remain unscreened, with a confidence interval. Pure.

Method: the hypergeometric test of Callaghan & Müller-Hansen (2020), "Statistical stopping
criteria for automated screening in systematic reviews", Systematic Reviews 9:273
(doi:10.1186/s13643-020-01521-4), in its ranked quasi-sampling form: the most recently screened
records are treated as a random sample of themselves plus everything not yet screened. Why: it is
published, needs no extra screening or model calibration, and errs on the safe side (prioritisation
shows likely-relevant records first, so the recent window is richer than what remains and the
estimate overstates rather than understates what is left). When reviewers want a two-sided,
assumption-free figure, `estimate_from_random_sample` applies the paper's primary design: screen a
simple random sample of the unscreened records. Never a guarantee: see the caveats.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scipy.stats import hypergeom  # type: ignore[import-untyped, unused-ignore]

from screening.model import ScreeningError

METHOD = (
    "Hypergeometric ranked quasi-sampling (Callaghan & Müller-Hansen 2020, Syst Rev 9:273): "
    "the most recent half of the screened records treated as a random sample of them plus the "
    "unscreened records; one-sided upper bound"
)
CAVEAT = (
    "An estimate, not a certainty. It assumes the recently screened records are no less likely "
    "to be relevant than those not yet screened, which holds when the queue is prioritised but "
    "cannot be checked; records the search never found are not counted."
)
SAMPLE_METHOD = (
    "Hypergeometric estimate from a simple random sample of the unscreened records "
    "(Callaghan & Müller-Hansen 2020, Syst Rev 9:273); two-sided interval"
)
SAMPLE_CAVEAT = (
    "An estimate, not a certainty: valid only if the sample was drawn at random from every record "
    "unscreened at that moment, and even then the interval misses the true number in about "
    "1 - confidence of cases; records the search never found are not counted."
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

    `sample_size` records (the recent window, or the random sample) held `relevant_in_sample`
    inclusions. For the quasi-sampling estimate `lower` is always 0 (one-sided): it bounds what
    may be missed from above and cannot rule out that nothing relevant remains.
    """

    point: float | None  # None before any decision: no information yet
    lower: int
    upper: int
    confidence: float
    unscreened: int
    sample_size: int
    relevant_in_sample: int
    method: str = METHOD
    caveat: str = CAVEAT


def estimate_remaining(
    decisions: Sequence[bool], unscreened: int, *, confidence: float = DEFAULT_CONFIDENCE
) -> RemainingEstimate:
    """Estimate from the prioritised screening decisions so far, in the order made."""
    _check(unscreened, confidence)
    window = max(1, round(len(decisions) * WINDOW_FRACTION)) if decisions else 0
    hits = sum(bool(decision) for decision in decisions[len(decisions) - window :])
    if unscreened == 0:
        return RemainingEstimate(0.0, 0, 0, confidence, 0, window, hits)
    if window == 0:  # nothing screened yet: anything is possible
        return RemainingEstimate(None, 0, unscreened, confidence, unscreened, 0, 0)
    point = hits * unscreened / window
    upper = _largest_plausible(hits, window, unscreened, 1 - confidence)
    return RemainingEstimate(point, 0, upper, confidence, unscreened, window, hits)


def estimate_from_random_sample(
    sample: Sequence[bool], unscreened_before: int, *, confidence: float = DEFAULT_CONFIDENCE
) -> RemainingEstimate:
    """Relevant records left outside a random sample drawn from `unscreened_before` records.

    `sample` holds the decisions on the sampled records (True = included), in any order.
    """
    _check(unscreened_before, confidence)
    if len(sample) > unscreened_before:
        raise InvalidEstimateInput("the sample is larger than the records it was drawn from")
    size, hits = len(sample), sum(bool(decision) for decision in sample)
    rest = unscreened_before - size
    if size == 0 or rest == 0:
        point = None if size == 0 else 0.0
        return RemainingEstimate(point, 0, rest, confidence, rest, size, hits, *_SAMPLE)
    alpha = (1 - confidence) / 2
    lower = _smallest_plausible(hits, size, rest, alpha)
    upper = _largest_plausible(hits, size, rest, alpha)
    point = hits * rest / size
    return RemainingEstimate(point, lower, upper, confidence, rest, size, hits, *_SAMPLE)


_SAMPLE = (SAMPLE_METHOD, SAMPLE_CAVEAT)


def _check(unscreened: int, confidence: float) -> None:
    if unscreened < 0:
        raise InvalidEstimateInput(f"unscreened must be >= 0, got {unscreened}")
    if not 0 < confidence < 1:
        raise InvalidEstimateInput(f"confidence must be between 0 and 1, got {confidence}")


# Both bounds invert a hypergeometric test. Population: `size` sampled + `rest` other records,
# holding hits + r relevant; the sample is `size` draws from it. r ranges over 0..rest.


def _largest_plausible(hits: int, size: int, rest: int, alpha: float) -> int:
    """Largest r for which `hits` or fewer relevant in the sample has probability >= alpha."""

    def plausible(r: int) -> bool:
        return bool(hypergeom.cdf(hits, size + rest, hits + r, size) >= alpha)

    return _bisect(rest, plausible)


def _smallest_plausible(hits: int, size: int, rest: int, alpha: float) -> int:
    """Smallest r for which `hits` or more relevant in the sample has probability >= alpha."""

    def implausible(r: int) -> bool:
        return bool(hypergeom.sf(hits - 1, size + rest, hits + r, size) < alpha)

    return min(rest, _bisect(rest, implausible) + 1) if implausible(0) else 0


def _bisect(top: int, holds: Callable[[int], bool]) -> int:
    """Last r in 0..top where `holds` is true, for `holds` true up to a point then false."""
    low, high = 0, top
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if holds(middle) else (low, middle - 1)
    return low
