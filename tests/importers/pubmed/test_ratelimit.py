"""The sliding-window limiter on a virtual clock: the window rule holds for any arrivals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importers.pubmed import (
    SlidingWindowLimiter,
    ncbi_rate_limiter,
    next_slot,
    process_rate_limiter,
)
from tests.fakes.eutils_server import max_in_window
from tests.importers.pubmed.conftest import VirtualClock


def grant_times(
    limiter: SlidingWindowLimiter, clock: VirtualClock, gaps: list[float]
) -> list[float]:
    """Arrive after each gap, acquire, note when the request may go."""
    granted = []
    for gap in gaps:
        clock.now += gap
        limiter.acquire()
        granted.append(clock.now)
    return granted


def test_a_burst_waits_for_the_window_to_slide() -> None:
    clock = VirtualClock()
    limiter = SlidingWindowLimiter(3, period=1.1, clock=clock, sleep=clock.wait)

    granted = grant_times(limiter, clock, [0.0] * 7)

    assert granted == pytest.approx([0, 0, 0, 1.1, 1.1, 1.1, 2.2])


@given(
    rate=st.sampled_from([3, 10]),
    gaps=st.lists(st.floats(min_value=0, max_value=1.5), min_size=1, max_size=60),
)
def test_no_window_of_one_second_ever_holds_more_than_the_rate(
    rate: int, gaps: list[float]
) -> None:
    clock = VirtualClock()
    limiter = ncbi_rate_limiter(has_api_key=rate == 10, clock=clock, sleep=clock.wait)

    granted = grant_times(limiter, clock, gaps)

    assert max_in_window(granted, window=1.0) <= rate


@given(gaps=st.lists(st.floats(min_value=0.4, max_value=3), min_size=1, max_size=30))
def test_spaced_requests_never_wait(gaps: list[float]) -> None:
    clock = VirtualClock()
    limiter = ncbi_rate_limiter(has_api_key=False, clock=clock, sleep=clock.wait)

    grant_times(limiter, clock, gaps)

    assert clock.waits == []


@pytest.mark.parametrize(("max_requests", "period"), [(0, 1.0), (3, 0.0)])
def test_nonsense_limits_are_refused(max_requests: int, period: float) -> None:
    with pytest.raises(ValueError, match="max_requests"):
        SlidingWindowLimiter(max_requests, period)


def test_clients_without_their_own_limiter_share_the_process_one() -> None:
    keyless = process_rate_limiter(has_api_key=False)
    keyed = process_rate_limiter(has_api_key=True)

    assert process_rate_limiter(has_api_key=False) is keyless
    assert keyless is not keyed
    assert (keyless.max_requests, keyed.max_requests) == (3, 10)


@pytest.mark.parametrize(
    ("recent", "now", "expected"),
    [
        ([], 5.0, 5.0),  # nothing sent yet
        ([4.0, 4.5], 5.0, 5.0),  # fewer than the limit in the window
        ([4.0, 4.5, 4.9], 5.0, 5.1),  # the window is full until the oldest slides out
        ([1.0, 2.0, 4.0, 4.5, 4.9], 5.0, 5.1),  # only the latest max_requests count
        ([1.0, 1.1, 1.2], 5.0, 5.0),  # all long gone
        ([4.0, 5.5, 6.0], 5.0, 5.1),  # slots reserved in the future by waiting threads
    ],
)
def test_next_slot(recent: list[float], now: float, expected: float) -> None:
    assert next_slot(recent, now, max_requests=3, period=1.1) == pytest.approx(expected)
