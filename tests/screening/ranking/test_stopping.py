"""Stopping estimate: interval covers the truth on synthetic data, honest edge cases."""

from __future__ import annotations

import numpy as np
import pytest

from screening.ranking.stopping import (
    InvalidEstimateInput,
    estimate_from_random_sample,
    estimate_remaining,
)


def _covered(order: np.ndarray, screened: int) -> bool:
    estimate = estimate_remaining(order[:screened].tolist(), len(order) - screened)
    truth = int(order[screened:].sum())
    return estimate.lower <= truth <= estimate.upper


@pytest.mark.parametrize("prevalence", [0.01, 0.05, 0.2])
def test_interval_covers_true_remainder_in_random_order_for_most_seeds(prevalence: float) -> None:
    rng = np.random.default_rng(20260101)
    hits = 0
    for _ in range(200):
        order = rng.random(2000) < prevalence  # unprioritised: the window is a true random sample
        hits += _covered(order, screened=int(rng.integers(100, 1500)))
    assert hits >= 0.93 * 200  # nominal 95%


def test_interval_still_covers_when_relevant_records_come_early() -> None:
    rng = np.random.default_rng(7)
    hits = 0
    for _ in range(100):
        relevance = rng.random(2000) < 0.05
        # a prioritised order: relevant records tend to get a higher score
        order = relevance[np.argsort(-(relevance * 1.5 + rng.random(2000)))]
        hits += _covered(order, screened=int(rng.integers(100, 1500)))
    assert hits >= 95


def test_point_is_the_window_rate_scaled_to_what_remains() -> None:
    decisions = [True] * 10 + [False] * 90 + [True] * 5 + [False] * 95
    estimate = estimate_remaining(decisions, 500)
    assert (estimate.sample_size, estimate.relevant_in_sample) == (100, 5)
    assert estimate.point == pytest.approx(25.0)
    assert 25 < estimate.upper <= 500
    assert "Callaghan" in estimate.method
    assert "not a certainty" in estimate.caveat


def test_nothing_relevant_lately_gives_a_small_but_nonzero_bound() -> None:
    estimate = estimate_remaining([True] * 5 + [False] * 995, 1000)
    assert estimate.point == 0
    assert 0 < estimate.upper < 10


def test_before_any_decision_nothing_is_ruled_out() -> None:
    estimate = estimate_remaining([], 300)
    assert estimate.point is None
    assert (estimate.lower, estimate.upper) == (0, 300)


def test_nothing_left_means_nothing_remains() -> None:
    estimate = estimate_remaining([True, False], 0)
    assert (estimate.point, estimate.upper) == (0.0, 0)


@pytest.mark.parametrize(("unscreened", "confidence"), [(-1, 0.95), (10, 1.0), (10, 0.0)])
def test_impossible_inputs_are_refused(unscreened: int, confidence: float) -> None:
    with pytest.raises(InvalidEstimateInput):
        estimate_remaining([True], unscreened, confidence=confidence)


@pytest.mark.parametrize("prevalence", [0.005, 0.03, 0.15])
def test_random_sample_interval_covers_the_truth_for_most_seeds(prevalence: float) -> None:
    rng = np.random.default_rng(31337)
    hits = 0
    for _ in range(200):
        unscreened = rng.random(1500) < prevalence
        size = int(rng.integers(50, 600))
        drawn = rng.permutation(1500)
        estimate = estimate_from_random_sample(unscreened[drawn[:size]].tolist(), 1500)
        truth = int(unscreened[drawn[size:]].sum())
        hits += estimate.lower <= truth <= estimate.upper
    assert hits >= 0.93 * 200  # nominal 95%, two-sided


def test_random_sample_with_inclusions_rules_out_zero() -> None:
    estimate = estimate_from_random_sample([True] * 5 + [False] * 95, 1100)
    assert estimate.point == pytest.approx(50.0)
    assert 0 < estimate.lower < 50 < estimate.upper < 1000
    assert "random sample" in estimate.method
    assert "not a certainty" in estimate.caveat


def test_random_sample_edge_cases() -> None:
    assert estimate_from_random_sample([], 40).point is None
    everything = estimate_from_random_sample([True, False], 2)
    assert (everything.point, everything.lower, everything.upper) == (0.0, 0, 0)
    with pytest.raises(InvalidEstimateInput, match="larger"):
        estimate_from_random_sample([False] * 3, 2)
