"""esearch: recorded answers, the 9,999-id ceiling, date slicing, query problems."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from importers.pubmed import (
    ESEARCH_CEILING,
    EutilsServiceError,
    QueryTermsNotFound,
    SliceTooLarge,
)
from tests.fakes.eutils_data import synthetic_records
from tests.fakes.eutils_server import FakeEutilsServer
from tests.importers.pubmed.conftest import SMALL_CEILING, ClientFactory
from tests.importers.pubmed.helpers import recorded_esearch_ids

RECORDED_QUERY = "science[journal] AND breast cancer AND 2008[pdat]"
RECORDED_ANSWER = "hawc__TestPubMedSearch.test_changes_from_previous_search__01_esearch.xml"


def test_small_result_comes_from_one_esearch_with_history(
    eutils_server: FakeEutilsServer, make_client: ClientFactory
) -> None:
    result = make_client().search(RECORDED_QUERY)

    assert list(result.ids) == recorded_esearch_ids(RECORDED_ANSWER)
    assert result.count == len(result.ids)
    assert result.esearch_calls == 1
    (request,) = eutils_server.requests
    assert request.params["usehistory"] == "y"
    assert request.params["term"] == RECORDED_QUERY
    assert "mindate" not in request.params


def test_result_over_ceiling_is_sliced_by_date_and_merged_exactly_once(
    eutils_server: FakeEutilsServer, make_client: ClientFactory
) -> None:
    records = eutils_server.add_synthetic("stress test[tiab]", 12_000)

    result = make_client().search("stress test[tiab]")

    assert len(result.ids) == len(set(result.ids)) == 12_000
    assert set(result.ids) == {record.pmid for record in records}
    assert result.warnings == ()
    # Dual-dated records were listed by two slices; the client kept each once.
    served = Counter(eutils_server.served_ids)
    assert any(times > 1 for times in served.values())
    slices = [r.params for r in eutils_server.requests[1:]]
    assert all(p["datetype"] == "pdat" and "mindate" in p and "maxdate" in p for p in slices)
    assert all(p["WebEnv"] == "MCID_fake" for p in slices)


def test_slices_respect_the_callers_date_range(
    eutils_server: FakeEutilsServer, make_client: ClientFactory
) -> None:
    records = eutils_server.add_synthetic("ranged", 14_000)
    start, end = date(2015, 3, 1), date(2017, 9, 30)

    result = make_client().search("ranged", mindate="2015/03", maxdate="2017/09")

    expected = {r.pmid for r in records if r.published_within(start, end)}
    assert len(expected) > ESEARCH_CEILING  # so slicing really happened
    assert set(result.ids) == expected
    assert len(result.ids) == len(expected)
    first = eutils_server.requests[0].params
    assert (first["mindate"], first["maxdate"]) == ("2015/03/01", "2017/09/30")


def test_one_day_over_the_ceiling_is_reported_not_truncated(
    small_ceiling_server: FakeEutilsServer, make_client: ClientFactory
) -> None:
    small_ceiling_server.add_synthetic(
        "one busy day", synthetic_records(150, start=date(2016, 5, 4), span_days=1)
    )
    client = make_client(base_url=small_ceiling_server.base_url, esearch_ceiling=SMALL_CEILING)

    with pytest.raises(SliceTooLarge) as caught:
        client.search("one busy day", mindate="2016", maxdate="2016")

    assert caught.value.day == date(2016, 5, 4)
    assert caught.value.count == 150
    assert "2016-05-04" in str(caught.value)


def test_a_server_ignoring_dates_stops_the_slicing_at_once(make_client: ClientFactory) -> None:
    with FakeEutilsServer(enforce_rate=False, ignore_dates=True, ceiling=SMALL_CEILING) as server:
        server.add_synthetic("undated", 150)
        client = make_client(base_url=server.base_url, esearch_ceiling=SMALL_CEILING)

        with pytest.raises(EutilsServiceError, match="date range was ignored"):
            client.search("undated")

        assert len(server.requests) == 3  # the whole, then its two halves


def test_phrase_not_found_is_a_clear_error(make_client: ClientFactory) -> None:
    with pytest.raises(QueryTermsNotFound) as caught:
        make_client().search("abcXYZ")

    assert caught.value.problems == ("PhraseNotFound: abcXYZ",)
    assert "abcXYZ" in str(caught.value)


def test_phrase_not_found_can_be_accepted_as_a_warning(make_client: ClientFactory) -> None:
    result = make_client().search("abcXYZ", allow_partial_query=True)

    assert result.ids == ()
    assert "PhraseNotFound: abcXYZ" in result.warnings


def test_empty_result(eutils_server: FakeEutilsServer, make_client: ClientFactory) -> None:
    result = make_client().search("nothing matches this")

    assert (result.ids, result.count, result.warnings) == ((), 0, ())


def test_a_long_strategy_is_posted(
    eutils_server: FakeEutilsServer, make_client: ClientFactory
) -> None:
    strategy = " OR ".join(f'"term {n}"[tiab]' for n in range(200))
    eutils_server.add_synthetic(strategy, 5)
    short = "short query"

    long_result = make_client().search(strategy)
    make_client().search(short)

    assert len(long_result.ids) == 5
    assert [(r.method, r.params["term"]) for r in eutils_server.requests] == [
        ("POST", strategy),
        ("GET", short),
    ]
