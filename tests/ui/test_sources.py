"""Sources in the browser: the upload form keeps the chosen source, an import made into the
wrong source is removed with its records, sources are edited and deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import FIXTURES, LiveServer, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect


def test_a_librarian_fixes_an_import_into_the_wrong_source(
    page: Page, live_server: LiveServer
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]
    librarian = build.member(lead, rid, "librarian")
    embase = build.source(lead, rid, "Embase")
    build.source(lead, rid, "MEDLINE")
    page.on("dialog", lambda dialog: dialog.accept())

    def imports() -> list[dict[str, Any]]:
        response = build.client.get(f"/api/v1/reviews/{rid}/imports", headers=lead.headers)
        listed: list[dict[str, Any]] = response.json()
        return listed

    sign_in(page, live_server, librarian, then=f"/reviews/{rid}/sources")
    upload = page.get_by_role("form", name="Upload a file")
    upload.get_by_label("Source").select_option(label="MEDLINE")
    upload.get_by_label("File", exact=True).set_input_files(str(FIXTURES / "screening.ris"))
    upload.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("region", name="Import report")).to_contain_text("5imported")
    # The page redraws after an import; the chosen source stays chosen.
    chosen = page.get_by_role("form", name="Upload a file").get_by_label("Source")
    expect(chosen.locator("option:checked")).to_have_text("MEDLINE")

    # It belonged to Embase: remove the import with its records, then import it there.
    page.get_by_role("button", name="Remove the import screening.ris and its records").click()
    expect(page.get_by_text("Import removed with its 5 records.")).to_be_visible()
    assert imports() == []
    records = build.client.get(f"/api/v1/reviews/{rid}/records", headers=lead.headers).json()
    assert records["total"] == 0
    upload = page.get_by_role("form", name="Upload a file")
    upload.get_by_label("Source").select_option(label="Embase")
    upload.get_by_label("File", exact=True).set_input_files(str(FIXTURES / "screening.ris"))
    upload.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("region", name="Import report")).to_contain_text("5imported")
    assert [b["source_id"] for b in imports()] == [embase["id"]]

    # Edit a source, delete the unused one; the one with an import cannot go.
    page.get_by_role("button", name="Edit the source MEDLINE").click()
    form = page.get_by_role("form", name="Edit the source “MEDLINE”")
    form.get_by_label("Name").fill("MEDLINE (Ovid)")
    form.get_by_role("button", name="Save source").click()
    expect(page.get_by_role("cell", name="MEDLINE (Ovid)", exact=True)).to_be_visible()
    screenshot(page, "sources")
    assert_accessible(page)
    page.get_by_role("button", name="Delete the source MEDLINE (Ovid)").click()
    expect(page.get_by_text("Source “MEDLINE (Ovid)” deleted.")).to_be_visible()
    page.get_by_role("button", name="Delete the source Embase").click()
    expect(page.get_by_text("the source 'Embase' has 1 import; remove it first")).to_be_visible()
    sources = build.client.get(f"/api/v1/reviews/{rid}/sources", headers=lead.headers).json()
    assert [s["name"] for s in sources] == ["Embase"]
