"""efetch: POSTed batches, progress, identification, recorded articles, missing PMIDs."""

from __future__ import annotations

import pytest

from importers.pubmed import Progress, search_and_fetch
from tests.fakes.eutils_server import FakeEutilsServer
from tests.importers.pubmed.conftest import SMALL_CEILING, ClientFactory
from tests.importers.pubmed.helpers import (
    FIXTURES,
    pmids_in_article_sets,
    recorded_esearch_ids,
)


def test_fetch_posts_batches_and_reports_progress(
    eutils_server: FakeEutilsServer, make_client: ClientFactory
) -> None:
    records = eutils_server.add_synthetic("batched", 1_000)
    ids = [record.pmid for record in records]
    seen: list[Progress] = []

    batches = list(make_client().fetch(ids, batch_size=300, on_progress=seen.append))

    fetches = [r for r in eutils_server.requests if r.endpoint == "efetch.fcgi"]
    assert [r.method for r in fetches] == ["POST"] * 4
    assert [len(r.params["id"].split(",")) for r in fetches] == [300, 300, 300, 100]
    assert all(r.params["retmode"] == "xml" and r.params["db"] == "pubmed" for r in fetches)
    assert seen == [
        Progress(300, 1000),
        Progress(600, 1000),
        Progress(900, 1000),
        Progress(1000, 1000),
    ]
    assert pmids_in_article_sets(b.xml for b in batches) == ids
    assert all(b.missing == () for b in batches)


def test_search_and_fetch_yields_every_record_once(
    small_ceiling_server: FakeEutilsServer, make_client: ClientFactory
) -> None:
    records = small_ceiling_server.add_synthetic("end to end", 1_040)
    client = make_client(base_url=small_ceiling_server.base_url, esearch_ceiling=SMALL_CEILING)
    seen: list[Progress] = []

    documents = list(search_and_fetch(client, "end to end", batch_size=50, on_progress=seen.append))

    pmids = pmids_in_article_sets(documents)
    assert len(pmids) == len(set(pmids)) == 1_040
    assert set(pmids) == {r.pmid for r in records}
    assert len(set(small_ceiling_server.served_ids)) < len(small_ceiling_server.served_ids)
    assert seen[0] == Progress(0, 1_040)
    assert seen[-1] == Progress(1_040, 1_040)
    assert len(documents) == len(seen) - 1 == 21


def test_recorded_articles_are_served_verbatim(make_client: ClientFactory) -> None:
    query = "burritos school lunch gastrointestinal"
    expected = recorded_esearch_ids("hawc__TestSearch.test_delete_old_references__01_esearch.xml")

    (document,) = search_and_fetch(make_client(), query)

    assert pmids_in_article_sets([document]) == expected
    recording = (
        FIXTURES / "hawc__TestSearch.test_delete_old_references__02_efetch.xml"
    ).read_bytes()
    start = recording.index(b"<PubmedArticle>")
    first_article = recording[start : recording.index(b"</PubmedArticle>") + 16]
    assert first_article in document


@pytest.mark.parametrize("api_key", [None, "0123456789abcdef"])
def test_tool_email_and_key_go_on_every_request(
    small_ceiling_server: FakeEutilsServer, make_client: ClientFactory, api_key: str | None
) -> None:
    small_ceiling_server.add_synthetic("identified", 150)
    client = make_client(
        base_url=small_ceiling_server.base_url, esearch_ceiling=SMALL_CEILING, api_key=api_key
    )

    list(search_and_fetch(client, "identified", batch_size=100))

    endpoints = [r.endpoint for r in small_ceiling_server.requests]
    assert endpoints.count("esearch.fcgi") > 1  # the sliced searches too
    assert endpoints.count("efetch.fcgi") == 2
    for request in small_ceiling_server.requests:
        assert request.params["tool"] == "winnow-tests"
        assert request.params["email"] == "librarian@example.org"
        assert request.params.get("api_key") == api_key


def test_pmids_pubmed_does_not_return_are_listed_as_missing(
    eutils_server: FakeEutilsServer, make_client: ClientFactory
) -> None:
    (batch,) = make_client().fetch(["37909814", "21813142"])

    assert batch.returned == ("21813142",)
    assert batch.missing == ("37909814",)


def test_empty_search_fetches_nothing(
    eutils_server: FakeEutilsServer, make_client: ClientFactory
) -> None:
    seen: list[Progress] = []

    documents = list(search_and_fetch(make_client(), "no such thing", on_progress=seen.append))

    assert documents == []
    assert seen == [Progress(0, 0)]
    assert [r.endpoint for r in eutils_server.requests] == ["esearch.fcgi"]


def test_batch_size_is_checked(make_client: ClientFactory) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        list(make_client().fetch(["1"], batch_size=0))
