"""Faults: retries with backoff, giving up clearly, <ERROR> in 200, refusals, unsafe XML."""

from __future__ import annotations

import pytest

from importers.errors import ImporterError
from importers.pubmed import (
    EutilsError,
    EutilsRejected,
    EutilsServiceError,
    EutilsUnavailable,
    RetryPolicy,
    search_and_fetch,
)
from tests.fakes.eutils_server import FakeEutilsServer, Fault
from tests.importers.pubmed.conftest import SMALL_CEILING, ClientFactory, VirtualClock
from tests.importers.pubmed.helpers import pmids_in_article_sets, recorded_esearch_ids

QUERY = "science[journal] AND breast cancer AND 2008[pdat]"
EXPECTED = recorded_esearch_ids(
    "hawc__TestPubMedSearch.test_changes_from_previous_search__01_esearch.xml"
)
TRANSIENT = [
    Fault.TOO_MANY_REQUESTS,
    Fault.SERVER_ERROR,
    Fault.BAD_GATEWAY,
    Fault.UNAVAILABLE,
    Fault.TIMEOUT,
    Fault.TRUNCATED,
    Fault.DISCONNECT,
]


@pytest.mark.parametrize("endpoint", ["esearch.fcgi", "efetch.fcgi"])
@pytest.mark.parametrize("fault", TRANSIENT)
def test_transient_fault_is_retried_and_nothing_is_lost(
    eutils_server: FakeEutilsServer,
    make_client: ClientFactory,
    clock: VirtualClock,
    endpoint: str,
    fault: Fault,
) -> None:
    eutils_server.inject(endpoint, fault)
    client = make_client()

    documents = list(search_and_fetch(client, QUERY))

    assert pmids_in_article_sets(documents) == EXPECTED
    assert client.stats.retries == 1
    assert client.stats.requests == 3  # esearch, efetch, and the repeated one
    assert clock.sleeps == [1.0]


def test_backoff_grows_exponentially(
    eutils_server: FakeEutilsServer, make_client: ClientFactory, clock: VirtualClock
) -> None:
    eutils_server.inject("efetch.fcgi", Fault.UNAVAILABLE, Fault.SERVER_ERROR, Fault.TIMEOUT)

    documents = list(search_and_fetch(make_client(), QUERY))

    assert pmids_in_article_sets(documents) == EXPECTED
    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_retry_after_is_honoured(
    eutils_server: FakeEutilsServer, make_client: ClientFactory, clock: VirtualClock
) -> None:
    eutils_server.retry_after = "7"
    eutils_server.inject("esearch.fcgi", Fault.TOO_MANY_REQUESTS)

    make_client().search(QUERY)

    assert clock.sleeps == [7.0]


def test_gives_up_after_the_retry_budget_with_a_clear_error(
    eutils_server: FakeEutilsServer, make_client: ClientFactory, clock: VirtualClock
) -> None:
    eutils_server.inject("esearch.fcgi", *[Fault.SERVER_ERROR] * 5)
    client = make_client(retry=RetryPolicy(max_attempts=4, initial_delay=0.5, max_delay=1.5))

    with pytest.raises(EutilsUnavailable) as caught:
        client.search(QUERY)

    assert caught.value.attempts == 4
    assert "HTTP 500" in str(caught.value)
    assert "4 times" in str(caught.value)
    assert len(eutils_server.requests) == 4
    assert clock.sleeps == [0.5, 1.0, 1.5]


@pytest.mark.parametrize("endpoint", ["esearch.fcgi", "efetch.fcgi"])
def test_error_inside_http_200_is_raised_not_retried(
    eutils_server: FakeEutilsServer, make_client: ClientFactory, endpoint: str
) -> None:
    eutils_server.error_message = "Search Backend failed: Database is not supported: pubmed"
    eutils_server.inject(endpoint, Fault.ERROR_IN_200)
    client = make_client()

    with pytest.raises(EutilsServiceError) as caught:
        list(search_and_fetch(client, QUERY))

    assert caught.value.endpoint == endpoint
    assert caught.value.messages == (eutils_server.error_message,)
    assert client.stats.retries == 0


def test_a_refusal_is_not_retried(
    eutils_server: FakeEutilsServer, make_client: ClientFactory
) -> None:
    eutils_server.inject("esearch.fcgi", Fault.BAD_REQUEST)

    with pytest.raises(EutilsRejected, match="HTTP 400"):
        make_client().search(QUERY)

    assert len(eutils_server.requests) == 1


def test_xml_declaring_entities_is_refused(
    eutils_server: FakeEutilsServer, make_client: ClientFactory
) -> None:
    eutils_server.inject("esearch.fcgi", Fault.ENTITY_BOMB)

    with pytest.raises(EutilsServiceError, match="unsafe XML"):
        make_client().search(QUERY)

    assert len(eutils_server.requests) == 1


def test_faults_during_a_sliced_search_and_fetch_lose_and_repeat_nothing(
    small_ceiling_server: FakeEutilsServer, make_client: ClientFactory
) -> None:
    records = small_ceiling_server.add_synthetic("faulty", 420)
    for fault in TRANSIENT:  # each fault followed by a good answer, across slices and batches
        small_ceiling_server.inject("esearch.fcgi", None, fault)
        small_ceiling_server.inject("efetch.fcgi", fault, None)
    client = make_client(base_url=small_ceiling_server.base_url, esearch_ceiling=SMALL_CEILING)

    documents = list(search_and_fetch(client, "faulty", batch_size=60))

    pmids = pmids_in_article_sets(documents)
    assert sorted(pmids) == sorted(r.pmid for r in records)
    assert client.stats.retries == 2 * len(TRANSIENT)


def test_a_base_url_that_is_not_http_fails_at_once(make_client: ClientFactory) -> None:
    with pytest.raises(EutilsError, match="not an http"):
        make_client(base_url="ftp://eutils.example.org/").search(QUERY)


def test_client_errors_are_importer_errors() -> None:
    """One API error handler for ImporterError covers the PubMed client too."""
    assert issubclass(EutilsError, ImporterError)
