"""Publication-date parsing and halving for esearch slices."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importers.pubmed import DateRange, parse_pubmed_date
from tests.fakes.eutils_server import FakeEutilsServer
from tests.importers.pubmed.conftest import ClientFactory


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2020", False, date(2020, 1, 1)),
        ("2020", True, date(2020, 12, 31)),
        ("2020/02", True, date(2020, 2, 29)),
        ("2019-2", True, date(2019, 2, 28)),
        ("2019/11", False, date(2019, 11, 1)),
        (" 2020/05/03 ", True, date(2020, 5, 3)),
    ],
)
def test_pubmed_dates(text: str, end: bool, expected: date) -> None:
    assert parse_pubmed_date(text, end=end) == expected


@pytest.mark.parametrize("text", ["", "20", "May 2020", "2020/13", "2020/02/30"])
def test_bad_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - both our message and datetime's are fine
        parse_pubmed_date(text)


@given(
    start=st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 1, 1)),
    length=st.integers(min_value=1, max_value=800_000),
)
def test_halves_are_adjacent_disjoint_and_cover_the_range(start: date, length: int) -> None:
    end = min(start + timedelta(days=length), date(3000, 12, 31))
    whole = DateRange(start, end)

    first, second = whole.halves()

    assert first.start == whole.start
    assert second.end == whole.end
    assert second.start == first.end + timedelta(days=1)
    assert abs((first.end - first.start) - (second.end - second.start)) <= timedelta(days=1)


def test_a_range_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="starts after it ends"):
        DateRange(date(2020, 1, 2), date(2020, 1, 1))


def test_an_open_range_is_closed_with_pubmeds_all_dates_bounds(
    eutils_server: FakeEutilsServer, make_client: ClientFactory
) -> None:
    make_client().search("anything", mindate=date(2001, 2, 3))

    params = eutils_server.requests[0].params
    assert (params["mindate"], params["maxdate"], params["datetype"]) == (
        "2001/02/03",
        "3000/12/31",
        "pdat",
    )
