"""Full texts attached in the browser: a reviewer finds why full-text screening is empty and
follows the link; records get PDFs one by one, "Not retrieved" (and its undo), and a librarian
uploads several PDFs at once, choosing the record for the file the matcher is unsure of."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.api.builders import ReviewRows
from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import FIXTURES, LiveServer, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import (  # type: ignore[import-not-found, unused-ignore]
        FilePayload,
        Page,
    )

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

EXERCISE = "Effect of exercise on depression in older adults"
SLEEP = "Sleep hygiene education for insomnia in adolescents"
YOGA = "Yoga for chronic low back pain"
DOI_TITLE = "Tai chi and balance in people with Parkinson disease"
EXCLUDED = "A study excluded at title and abstract"


def _pdf(name: str) -> FilePayload:
    return {
        "name": name,
        "mimeType": "application/pdf",
        "buffer": (FIXTURES / "trial.pdf").read_bytes(),
    }


def test_full_texts_are_attached_one_by_one_and_in_bulk(
    page: Page, live_server: LiveServer
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]
    reviewer = build.member(lead, rid, "reviewer")
    librarian = build.member(lead, rid, "librarian")
    rows = ReviewRows(build.engine, rid)
    source = rows.source("MEDLINE")
    exercise, sleep, yoga, excluded = rows.records(source, EXERCISE, SLEEP, YOGA, EXCLUDED)
    [tai_chi] = rows.records(source, DOI_TITLE, doi="10.1000/xyz.42")
    for record_id in (exercise, sleep, yoga, tai_chi):
        rows.resolve(record_id, lead.id, "include")
    rows.resolve(excluded, lead.id, "exclude")

    def states() -> dict[int, str]:
        body = build.client.get(f"/api/v1/reviews/{rid}/retrieval", headers=lead.headers).json()
        return {item["record_id"]: item["state"] for item in body["items"]}

    # Full-text screening says truthfully why it is empty, and where to go.
    sign_in(page, live_server, reviewer, then=f"/reviews/{rid}/screen/full_text")
    expect(
        page.get_by_text("4 records included at title/abstract have no full text yet")
    ).to_be_visible()
    screenshot(page, "screen-full-text-missing")
    assert_accessible(page)
    page.get_by_role("link", name="Attach full texts").click()
    page.wait_for_url(f"{live_server.url}/reviews/{rid}/retrieval?show=missing")
    expect(
        page.get_by_text("0 of 4 records with a PDF · 0 not retrieved · 4 missing")
    ).to_be_visible()
    table = page.get_by_role("table", name="Records included at title and abstract")
    expect(table).not_to_contain_text(EXCLUDED)

    # One PDF through the record's own file input.
    page.get_by_label(f"PDF for “{YOGA}”").set_input_files(_pdf("scan.pdf"))
    expect(page.get_by_text(f"PDF attached to “{YOGA}”.")).to_be_visible()
    expect(
        page.get_by_text("1 of 4 records with a PDF · 0 not retrieved · 3 missing")
    ).to_be_visible()

    # "Not retrieved", taken back, and given again.
    page.get_by_label("Show").select_option("all")
    sleep_row = table.get_by_role("row").filter(has_text=SLEEP)
    sleep_row.get_by_role("button", name="Not retrieved").click()
    expect(sleep_row.get_by_text("Not retrieved", exact=True)).to_be_visible()
    expect(
        page.get_by_text("1 of 4 records with a PDF · 1 not retrieved · 2 missing")
    ).to_be_visible()
    sleep_row.get_by_role("button", name="Undo “Not retrieved”").click()
    expect(sleep_row.get_by_text("Missing", exact=True)).to_be_visible()
    sleep_row.get_by_role("button", name="Not retrieved").click()
    expect(
        page.get_by_text("1 of 4 records with a PDF · 1 not retrieved · 2 missing")
    ).to_be_visible()
    assert states() == {
        exercise: "missing",
        sleep: "not_retrieved",
        yoga: "attached",
        tai_chi: "missing",
    }
    assert_accessible(page)

    # A librarian uploads two PDFs at once: one named by its DOI, one the matcher asks about.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/login")
    sign_in(page, live_server, librarian, then=f"/reviews/{rid}/retrieval")
    page.get_by_label("PDF files").set_input_files(
        [_pdf("10.1000_xyz.42.pdf"), _pdf("exercise notes.pdf")]
    )
    matches = page.get_by_role("region", name="Check the matches")
    expect(matches).to_contain_text("2 files: 1 matched for certain, 1 need you to choose.")
    expect(matches).to_contain_text("DOI in the file name")
    expect(page.get_by_label("Record for 10.1000_xyz.42.pdf")).to_have_value(str(tai_chi))
    expect(page.get_by_label("Record for exercise notes.pdf")).to_have_value("")
    screenshot(page, "retrieval-bulk-matches")
    assert_accessible(page)
    page.get_by_label("Record for exercise notes.pdf").select_option(str(exercise))
    page.get_by_role("button", name="Attach the chosen PDFs").click()
    expect(page.get_by_text("2 PDFs attached.").first).to_be_visible()
    expect(
        page.get_by_text("3 of 4 records with a PDF · 1 not retrieved · 0 missing")
    ).to_be_visible()
    screenshot(page, "retrieval")
    assert states() == {
        exercise: "attached",
        sleep: "not_retrieved",
        yoga: "attached",
        tai_chi: "attached",
    }

    # The attached reports now reach full-text screening.
    body = build.client.get(
        f"/api/v1/reviews/{rid}/screening/full_text/next", headers=reviewer.headers
    ).json()
    assert body["record"]["id"] in {exercise, yoga, tai_chi}
