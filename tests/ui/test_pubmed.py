"""A librarian searches PubMed from the sources page and watches the import's progress bar
(against the local fake E-utilities server, never NCBI)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests.fakes.eutils_server import FakeEutilsServer
from tests.ui.conftest import LiveServer, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect


@pytest.fixture
def eutils() -> Iterator[FakeEutilsServer]:
    with FakeEutilsServer(enforce_rate=False) as server:
        yield server


@pytest.fixture
def server_settings(eutils: FakeEutilsServer) -> dict[str, Any]:
    return {"eutils_url": eutils.base_url, "ncbi_email": "librarian@example.org"}


def test_librarian_imports_a_pubmed_search_with_a_progress_bar(
    page: Page, live_server: LiveServer, eutils: FakeEutilsServer
) -> None:
    eutils.add_synthetic("tai chi", 200)
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]
    librarian = build.member(lead, rid, "librarian")
    build.source(librarian, rid, name="PubMed")

    sign_in(page, live_server, librarian, then=f"/reviews/{rid}/sources")
    search = page.get_by_role("form", name="Search PubMed")
    search.get_by_label("Query").fill("tai chi")
    search.get_by_role("button", name="Search and import").click()
    expect(search.get_by_role("progressbar", name="PubMed import")).to_be_visible()
    report = page.get_by_role("region", name="Import report")
    expect(report).to_contain_text("200imported", timeout=20_000)
    expect(page.get_by_role("cell", name="tai chi", exact=True)).to_be_visible()
    screenshot(page, "sources-pubmed")

    imports = build.client.get(f"/api/v1/reviews/{rid}/imports", headers=librarian.headers)
    assert [(i["query"], i["records_imported"]) for i in imports.json()] == [("tai chi", 200)]
