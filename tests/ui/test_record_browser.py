"""The records browser: unique records with merged duplicates marked (and a filter to show them),
a search over title, abstract, authors and DOI, source and year filters, long values shortened,
select-all with the bulk removal; a record's page with its import, merges (undone through the
queue) and identifier corrections; a viewer reads without controls."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.api.builders import insert_records
from tests.api.test_dedup import World, make_world
from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import LiveServer, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

TRIAL = "Remote ischaemic preconditioning before cardiac surgery: a randomised trial"
LONG_TITLE = (
    "Effects of a twelve-week home-based programme of progressive resistance and balance "
    "exercise, delivered by physiotherapists through weekly video calls, on falls, fear of "
    "falling, gait speed and quality of life in community-dwelling adults aged seventy-five "
    "and over with a history of falls: a pragmatic multicentre randomised controlled trial"
)


def _world(live_server: LiveServer) -> World:
    build = live_server.build
    world = make_world(build, build.client, build.engine)
    world.run()  # the trial's two copies are merged automatically
    return world


def _apply(page: Page) -> None:
    page.get_by_role("search", name="Find records").get_by_role("button", name="Search").click()


def test_unique_records_search_and_filters(page: Page, live_server: LiveServer) -> None:
    world = _world(live_server)
    register = live_server.build.source(world.lead, world.review_id, "Trial register")
    insert_records(
        world.engine,
        world.review_id,
        register["id"],
        [{"title": LONG_TITLE, "authors": ["Okafor, N.", "Lindqvist, B.", "Tanaka, H."]}],
    )
    rid = world.review_id
    sign_in(page, live_server, world.librarian, then=f"/reviews/{rid}/records")
    expect(page.get_by_text("1\u20137 of 7 records.")).to_be_visible()  # 8 imported, 1 merged
    table = page.get_by_role("table", name="In screening")
    trial_row = table.get_by_role("row").filter(
        has=page.get_by_role("link", name=TRIAL, exact=True)
    )
    expect(trial_row).to_contain_text("1 copy merged in")
    expect(trial_row).to_contain_text("Halvorsen et al. · 2015 · New England Journal of Medicine")
    # A long title is shortened in the list, whole in its tooltip and on its page.
    long_link = table.get_by_role("link", name="Effects of a twelve-week")
    expect(long_link).to_have_attribute("title", LONG_TITLE)
    shown = long_link.inner_text()
    assert shown.endswith("…")
    assert len(shown) <= 140
    expect(table).to_contain_text("Okafor et al.")
    assert_accessible(page)
    screenshot(page, "records-browser")

    # Merged duplicates: hidden, shown and marked, or alone.
    page.get_by_label("Merged duplicates").select_option("only")
    _apply(page)
    expect(page.get_by_text("1\u20131 of 1 record.")).to_be_visible()
    badge = table.get_by_role("link", name="Merged duplicate")
    expect(badge).to_have_attribute("href", f"/reviews/{rid}/records/{world.ids['remote']}")
    page.get_by_label("Merged duplicates").select_option("include")
    _apply(page)
    expect(page.get_by_text("1\u20138 of 8 records.")).to_be_visible()
    assert "duplicates=include" in page.url
    page.reload()  # the filters live in the address
    expect(page.get_by_label("Merged duplicates")).to_have_value("include")
    expect(page.get_by_text("1\u20138 of 8 records.")).to_be_visible()
    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_text("1\u20137 of 7 records.")).to_be_visible()

    search = page.get_by_label("Search", exact=True)

    # The counts can read the same before and after a search: wait for the titles themselves.
    titles = table.locator("tbody a:not(.badge)")

    search.fill("halvorsen")  # an author
    search.press("Enter")
    expect(titles).to_have_text([TRIAL, "Erratum: " + TRIAL])
    search.fill("https://doi.org/10.5555/BMJ.M123")  # a DOI, as a link
    search.press("Enter")
    expect(titles).to_have_text(
        [
            "Supervised exercise therapy for chronic low back pain in office workers: a "
            "randomised controlled trial"
        ]
    )
    search.fill('"sham-controlled trial"')  # a phrase of an abstract
    search.press("Enter")
    expect(titles).to_have_text([TRIAL])
    search.fill("")
    page.get_by_label("Source").select_option(label="Embase")
    page.get_by_label("From year").fill("2019")
    _apply(page)
    expect(titles).to_have_count(1)  # the meeting abstract, 2020
    expect(table.get_by_role("row").nth(1)).to_contain_text("BMJ. Conference: Annual Scientific")
    page.get_by_label("To year").fill("20x")
    _apply(page)
    expect(page.get_by_text("Enter a year such as 2015.")).to_be_visible()
    expect(page.get_by_label("To year")).to_be_focused()


def test_select_all_and_remove_before_screening(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]
    source = build.source(lead, rid, "Embase")
    titles = [f"Trial {number:02d} of walking programmes" for number in range(1, 56)]
    insert_records(build.engine, rid, source["id"], [{"title": t, "year": 2020} for t in titles])
    sign_in(page, live_server, lead, then=f"/reviews/{rid}/records")
    expect(page.get_by_text("1\u201350 of 55 records.")).to_be_visible()
    page.get_by_label("Select every record on this page").check()
    expect(page.get_by_text("50 records selected.")).to_be_visible()
    expect(page.get_by_label(f"Select “{titles[49]}”")).to_be_checked()
    page.get_by_role("button", name="Select all 55 matching records").click()
    expect(page.get_by_text("55 records selected.")).to_be_visible()
    screenshot(page, "records-select-all")
    page.get_by_label("Tool or reason").fill("Outside the date limits")
    page.get_by_label("Removed", exact=True).select_option("other")
    page.get_by_role("button", name="Remove selected").click()
    expect(page.get_by_text("55 records removed before screening.")).to_be_visible()
    expect(page.get_by_text("No records match.")).to_be_visible()
    removed = build.client.get(
        f"/api/v1/reviews/{rid}/records", params={"removed": "true"}, headers=lead.headers
    ).json()
    assert removed["total"] == 55
    page.get_by_role("link", name="Removed before screening").click()
    expect(page.get_by_text("1\u201350 of 55 records.")).to_be_visible()


def test_a_records_page_tells_its_history(page: Page, live_server: LiveServer) -> None:
    world = _world(live_server)
    rid, ids = world.review_id, world.ids
    sign_in(page, live_server, world.librarian, then=f"/reviews/{rid}/records")
    page.get_by_role("link", name=TRIAL, exact=True).click()
    page.wait_for_url(f"**/reviews/{rid}/records/{ids['remote']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TRIAL)
    expect(page.get_by_role("link", name="Records", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    same = page.get_by_role("region", name="The same study from other sources")
    expect(same).to_contain_text("1 other record of this study was merged into this one")
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("Imported into MEDLINE")
    expect(history).to_contain_text(
        "Merged automatically by the duplicate finder: this record and “"
        + TRIAL.upper()
        + "” (Embase, 2015)."
    )

    # A PMID added here is saved and shows in the history.
    page.get_by_role("button", name="Correct the DOI or PMID of").click()
    page.get_by_label("PMID", exact=True).fill("PMID: 26436208")
    page.get_by_role("button", name="Save identifiers").click()
    expect(page.get_by_text("PMID saved.")).to_be_visible()
    librarian = world.librarian.email.split("@")[0]
    expect(history).to_contain_text(f"PMID 26436208 added by {librarian}.")
    expect(page.get_by_role("link", name="26436208")).to_have_attribute(
        "href", "https://pubmed.ncbi.nlm.nih.gov/26436208/"
    )
    page.get_by_text("Source text as imported").click()
    assert_accessible(page)
    screenshot(page, "record-page")

    # The copy's page says which record screening sees; the merge is undone through the queue.
    same.get_by_role("link", name=TRIAL.upper()).click()
    page.wait_for_url(f"**/records/{ids['remote_copy']}")
    expect(page.get_by_text("Merged duplicate", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="The same study from other sources")).to_contain_text(
        "This record is a copy of “" + TRIAL + "” (MEDLINE, 2015)"
    )
    page.get_by_role("link", name="Undo in the duplicate queue").click()
    page.wait_for_url(f"**/duplicates?status=auto&record={ids['remote_copy']}")
    page.get_by_role("button", name="Undo the merge of").click()
    expect(page.get_by_text("Merge undone")).to_be_visible()
    page.goto(f"{live_server.url}/reviews/{rid}/records/{ids['remote_copy']}")
    expect(page.get_by_role("region", name="History")).to_contain_text(
        f"Merge undone by {librarian}: this record and “{TRIAL}” (MEDLINE, 2015) "
        "stand on their own."
    )
    expect(page.get_by_text("Merged duplicate", exact=True)).to_have_count(0)


def test_a_viewer_reads_records_without_controls(page: Page, live_server: LiveServer) -> None:
    world = _world(live_server)
    rid = world.review_id
    sign_in(page, live_server, world.viewer, then=f"/reviews/{rid}/records")
    expect(page.get_by_text("1\u20136 of 6 records.")).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Remove selected")).to_have_count(0)
    page.goto(f"{live_server.url}/reviews/{rid}/records/{world.ids['remote_copy']}")
    expect(page.get_by_role("region", name="History")).to_contain_text("Merged automatically")
    expect(page.get_by_role("button", name="Correct the DOI or PMID of")).to_have_count(0)
    expect(page.get_by_role("link", name="Undo in the duplicate queue")).to_have_count(0)
    assert_accessible(page)
    page.goto(f"{live_server.url}/reviews/{rid}/records/999999")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
