"""The sliding-window limiter on a virtual clock: the window rule holds for any arrivals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importers.pubmed import SlidingWindowLimiter, ncbi_rate_limiter, process_rate_limiter
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
