"""A whole review in the browser, from import to PRISMA (issue 17): a librarian imports a RIS
file and removes its duplicate; two reviewers screen titles and abstracts with the keyboard, dual
and blinded; a lead resolves their conflict; full texts are attached through the retrieval page
(one report is not retrieved); both reviewers screen the full texts, excluding with a reason; the
PRISMA page counts it all, as text and as a downloadable SVG."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.api.builders import Account
from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import FIXTURES, LiveServer, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import (  # type: ignore[import-not-found, unused-ignore]
        FilePayload,
        Page,
    )

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

# What each reviewer presses, by a word of the title. They disagree on acupuncture only.
TITLES_FIRST = {"Pilates": "i", "Yoga": "i", "Spinal": "e", "Acupuncture": "i", "Massage": "e"}
TITLES_SECOND = {**TITLES_FIRST, "Acupuncture": "e"}
# At full text both include Pilates and exclude Yoga for its comparator.
FULL_TEXTS = {"Pilates": "i", "Yoga": "Wrong comparator"}


def _switch_to(page: Page, server: LiveServer, account: Account, then: str) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{server.url}/login")
    sign_in(page, server, account, then=then)


def _screen(page: Page, plan: dict[str, str]) -> None:
    """Vote on every record the page offers, by keyboard: a vote key, or e then a reason's key."""
    record = page.locator("article.record")
    for left in range(len(plan), 0, -1):
        current = record.get_attribute("data-record-id") or ""
        title = page.locator("#record-title").inner_text()
        [word] = [word for word in plan if word in title]
        action = plan[word]
        if len(action) == 1:
            page.keyboard.press(action)
        else:  # an exclusion reason, pressed by the number the page shows for it
            page.keyboard.press("e")
            reason = page.get_by_role("button", name=action, exact=True)
            expect(reason).to_be_in_viewport()
            page.keyboard.press(reason.locator("kbd").inner_text())
        if left > 1:
            expect(record).not_to_have_attribute("data-record-id", current)
    expect(page.get_by_role("heading", name="Nothing left for you at this stage")).to_be_visible()


def _pdf(name: str) -> FilePayload:
    return {
        "name": name,
        "mimeType": "application/pdf",
        "buffer": (FIXTURES / "trial.pdf").read_bytes(),
    }


def test_a_whole_review_from_import_to_prisma(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead, description="Exercise and manual therapy for low back pain.")["id"]
    librarian = build.member(lead, rid, "librarian")
    first = build.member(lead, rid, "reviewer")
    second = build.member(lead, rid, "reviewer")

    # The librarian imports the search and removes the duplicate.
    sign_in(page, live_server, librarian, then=f"/reviews/{rid}/sources")
    page.get_by_label("Name").fill("MEDLINE (Ovid)")
    page.get_by_label("Name").press("Enter")
    expect(page.get_by_role("cell", name="MEDLINE (Ovid)", exact=True)).to_be_visible()
    page.get_by_label("File", exact=True).set_input_files(str(FIXTURES / "whole-review.ris"))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("region", name="Import report")).to_contain_text("6records in the file")
    page.get_by_role("link", name="Duplicates").click()
    page.get_by_role("button", name="Find duplicates").click()
    # The toast says so (the page also has a "Merged automatically" tab); PRISMA counts it below.
    expect(page.locator("#toasts").get_by_text("merged automatically")).to_be_visible()

    # Two reviewers screen titles and abstracts with the keyboard, each blind to the other.
    for reviewer, plan in ((first, TITLES_FIRST), (second, TITLES_SECOND)):
        _switch_to(page, live_server, reviewer, f"/reviews/{rid}/screen/title_abstract")
        _screen(page, plan)
        expect(page.get_by_text("5 done · 0 to go")).to_be_visible()
    acupuncture = _record_id(live_server, lead, rid, "Acupuncture")
    seen_by_second = build.client.get(
        f"/api/v1/reviews/{rid}/records/{acupuncture}/decisions", headers=second.headers
    ).json()
    assert [vote["reviewer_id"] for vote in seen_by_second] == [second.id]  # blinded

    # The lead settles the one conflict.
    _switch_to(page, live_server, lead, f"/reviews/{rid}/conflicts")
    conflict = page.get_by_role("article")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text("Acupuncture for chronic low back pain")
    conflict.get_by_label("Include").check()
    conflict.get_by_label("Why").fill("A randomised trial of adults: acupuncture is in scope.")
    conflict.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text("No conflicts")).to_be_visible()

    # Full texts: two PDFs named by DOI in one upload; the third report cannot be had.
    _switch_to(page, live_server, librarian, f"/reviews/{rid}/retrieval")
    expect(
        page.get_by_text("0 of 3 records with a PDF · 0 not retrieved · 3 missing")
    ).to_be_visible()
    page.get_by_label("PDF files").set_input_files(
        [_pdf("10.5555_wr.0001.pdf"), _pdf("10.5555_wr.0002.pdf")]
    )
    expect(page.get_by_role("region", name="Check the matches")).to_contain_text(
        "2 matched for certain"
    )
    page.get_by_role("button", name="Attach the chosen PDFs").click()
    expect(page.get_by_text("2 PDFs attached.").first).to_be_visible()
    table = page.get_by_role("table", name="Records included at title and abstract")
    table.get_by_role("row").filter(has_text="Acupuncture").get_by_role(
        "button", name="Not retrieved"
    ).click()
    expect(
        page.get_by_text("2 of 3 records with a PDF · 1 not retrieved · 0 missing")
    ).to_be_visible()

    # Both reviewers screen the two full texts, one exclusion with its reason.
    for reviewer in (first, second):
        _switch_to(page, live_server, reviewer, f"/reviews/{rid}/screen/full_text")
        expect(page.locator("iframe.pdf")).to_be_visible()
        _screen(page, FULL_TEXTS)

    # PRISMA: every identity holds, the counts are right, and the SVG downloads.
    _switch_to(page, live_server, lead, f"/reviews/{rid}/prisma")
    expect(page.get_by_text("The numbers add up")).to_be_visible()
    expected = {
        "Identification": [("Records from databases", "6"), ("Duplicate records removed", "1")],
        "Screening": [
            ("Records screened", "5"),
            ("Records excluded", "2"),
            ("Reports sought for retrieval", "3"),
            ("Reports not retrieved", "1"),
            ("Reports assessed for eligibility", "2"),
            ("Reports excluded", "1"),
        ],
        "Included": [("Studies included in the review", "1"), ("Reports of included studies", "1")],
    }
    for section, rows in expected.items():
        region = page.get_by_role("region", name=section)
        for label, count in rows:
            row = region.locator(".count-row").filter(has=page.get_by_text(label, exact=True))
            expect(row.locator("dd.num")).to_have_text(count)
    screening = page.get_by_role("region", name="Screening")
    expect(screening.get_by_text("Wrong comparator: 1")).to_be_visible()
    screenshot(page, "whole-review-prisma")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download SVG", exact=True).click()
    assert download.value.suggested_filename == f"prisma-review-{rid}.svg"
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert svg.lstrip().startswith(("<svg", "<?xml"))
    for box in ("Records screened", "(n = 5)", "Wrong comparator (n = 1)", "Databases (n = 6)"):
        assert box in svg, box


def _record_id(server: LiveServer, lead: Account, rid: int, word: str) -> int:
    records = server.build.client.get(
        f"/api/v1/reviews/{rid}/records", headers=lead.headers
    ).json()["items"]
    [found] = [r["id"] for r in records if word in (r["title"] or "")]
    return int(found)
