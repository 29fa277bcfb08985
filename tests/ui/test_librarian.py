"""A librarian adds a source, uploads a RIS file, reads the per-record report and settles a
duplicate pair, all in the browser; the API then shows what was done."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.ui.conftest import LiveServer, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

RIS = Path(__file__).resolve().parents[1] / "fixtures" / "ui" / "duplicates.ris"


def test_librarian_uploads_a_ris_file_and_confirms_a_duplicate(
    page: Page, live_server: LiveServer
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    review = build.review(lead)
    librarian = build.member(lead, review["id"], "librarian")
    rid = review["id"]

    sign_in(page, live_server, librarian, then=f"/reviews/{rid}/sources")
    page.get_by_label("Name").fill("MEDLINE (Ovid)")
    page.get_by_label("Name").press("Enter")
    expect(page.get_by_role("cell", name="MEDLINE (Ovid)", exact=True)).to_be_visible()

    page.get_by_label("File", exact=True).set_input_files(str(RIS))
    page.get_by_role("button", name="Upload and import").click()
    report = page.get_by_role("region", name="Import report")
    expect(report).to_contain_text("6records in the file")
    expect(report.get_by_role("row").filter(has_text="rejected")).to_contain_text(
        "no title, abstract, authors or identifiers"
    )
    screenshot(page, "sources-import-report")

    page.get_by_role("link", name="Duplicates").click()
    page.get_by_role("button", name="Find duplicates").click()
    expect(page.get_by_text("1 question to decide.", exact=True)).to_be_visible()  # per two groups
    differing = page.locator("[data-differs=true]")
    expect(differing.first).to_be_visible()
    screenshot(page, "duplicates")
    page.keyboard.press("c")
    expect(page.get_by_text("No pairs to decide")).to_be_visible()

    pairs = build.client.get(
        f"/api/v1/reviews/{rid}/duplicates?status=confirmed", headers=librarian.headers
    ).json()
    assert pairs["total"] == 1
    assert pairs["items"][0]["decided_by_id"] == librarian.id

    page.keyboard.press("u")
    expect(page.get_by_text("Merge undone")).to_be_visible()
    undone = build.client.get(
        f"/api/v1/reviews/{rid}/duplicates?status=undone", headers=librarian.headers
    ).json()
    assert [pair["id"] for pair in undone["items"]] == [pairs["items"][0]["id"]]
