"""The duplicate queue in the browser: a librarian merges a pair with different DOIs and undoes it,
keeps an erratum apart from a trial's group of two, corrects a DOI (a CENTRAL accession is
explained and removed), undoes an automatic merge; every message is in plain words."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.api.test_dedup import World, make_world
from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import LiveServer, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

# Internal words a person should never read: record numbers, the matcher's scores and rule codes.
INTERNAL = re.compile(
    r"record \d|pair \d|\btitle \d+(?![\d%])|\bauthors \d+(?![\d%])| vs |\bnull\b|undefined", re.I
)


def _world(live_server: LiveServer) -> World:
    build = live_server.build
    world = make_world(build, build.client, build.engine)
    world.run()
    return world


def _pairs(world: World, status: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = world.queue(status)["items"]
    return items


def _plain(locator: Locator) -> None:
    text = locator.inner_text()
    assert not INTERNAL.search(text), INTERNAL.search(text)


def test_a_librarian_merges_keeps_apart_and_undoes(page: Page, live_server: LiveServer) -> None:
    world = _world(live_server)
    ids = world.ids
    sign_in(page, live_server, world.librarian, then=f"/reviews/{world.review_id}/duplicates")
    expect(page.get_by_text("3 questions to decide · showing 1 of 3.")).to_be_visible()

    # The statins pair carries two DOIs: a person may still merge it.
    page.goto(f"{live_server.url}/reviews/{world.review_id}/duplicates?record={ids['statins']}")
    question = page.get_by_role("region", name="Are these the same publication?")
    expect(question).to_contain_text("Not merged automatically: they carry different DOIs")
    expect(question).to_contain_text("Different: DOI.")
    expect(page.locator("[data-differs=true]")).to_have_count(2)  # the DOI, on both sides
    expect(page.get_by_role("region", name="Record A")).to_contain_text("from MEDLINE")
    expect(page.get_by_role("region", name="Record B")).to_contain_text("from Embase")
    _plain(page.locator("main"))
    assert_accessible(page)
    screenshot(page, "duplicates-different-dois")
    page.get_by_role("button", name="Same publication: merge").click()
    expect(page.get_by_role("status").filter(has_text="Merged: “Statin therapy")).to_be_visible()
    [merged] = _pairs(world, "confirmed")
    assert merged["decided_by_id"] == world.librarian.id
    assert world.kept()["statins_other_doi"] == "statins"
    page.keyboard.press("u")
    expect(page.get_by_text("Merge undone: the records stand on their own again")).to_be_visible()
    assert [pair["id"] for pair in _pairs(world, "undone")] == [merged["id"]]
    assert world.kept()["statins_other_doi"] == "statins_other_doi"

    # The erratum is asked about once, against the trial's group of two copies.
    page.goto(
        f"{live_server.url}/reviews/{world.review_id}/duplicates?record={ids['remote_erratum']}"
    )
    question = page.get_by_role("region", name="Are these the same publication?")
    expect(question).to_contain_text("one is an article and the other a correction notice")
    expect(page.get_by_text("Already merged with it: 1 record")).to_be_visible()
    _plain(page.locator("main"))
    assert_accessible(page)
    screenshot(page, "duplicates-erratum-and-group")
    page.keyboard.press("k")
    expect(page.get_by_text("No pairs to decide")).to_be_visible()
    [rejected] = _pairs(world, "rejected")
    assert ids["remote_erratum"] in (rejected["record_a"]["id"], rejected["record_b"]["id"])
    assert world.queue()["total"] == 1

    # Kept apart: the list names who decided, in words.
    page.get_by_role("button", name="Kept apart").click()
    listed = page.get_by_role("table")
    expect(listed).to_contain_text("Erratum: Remote ischaemic preconditioning")
    expect(listed).to_contain_text(world.librarian.email.split("@")[0])
    _plain(page.locator("main"))


def test_identifiers_are_corrected_from_the_queue(page: Page, live_server: LiveServer) -> None:
    world = _world(live_server)
    abstract_id = world.ids["exercise_abstract"]
    sign_in(
        page,
        live_server,
        world.librarian,
        then=f"/reviews/{world.review_id}/duplicates?record={abstract_id}",
    )
    record_b = page.get_by_role("region", name="Record B")
    record_b.get_by_role("button", name="Correct the DOI or PMID of").click()
    form = record_b.get_by_role("form")
    form.get_by_label("DOI").fill("not a doi")
    form.get_by_role("button", name="Save identifiers").click()
    expect(form.get_by_text("This is not a DOI.")).to_be_visible()
    form.get_by_label("DOI").fill("https://doi.org/10.1002/central/CN-01234567")
    form.get_by_role("button", name="Save identifiers").click()
    expect(
        page.get_by_text("DOI saved. The duplicate finder reads it the next time")
    ).to_be_visible()
    note = page.get_by_text("CN-01234567, a Cochrane CENTRAL accession")
    expect(note).to_be_visible()
    record = world.client.get(
        world.url(f"/records/{abstract_id}"), headers=world.lead.headers
    ).json()
    assert (record["doi"], record["central_accession"]) == (
        "10.1002/central/cn-01234567",
        "CN-01234567",
    )
    _plain(page.locator("main"))
    assert_accessible(page)
    screenshot(page, "duplicates-central-accession")
    page.get_by_role("button", name="Remove the CENTRAL accession from").click()
    expect(page.get_by_text("DOI removed.")).to_be_visible()
    expect(note).to_have_count(0)
    record = world.client.get(
        world.url(f"/records/{abstract_id}"), headers=world.lead.headers
    ).json()
    assert record["doi"] is None


def test_answers_made_elsewhere_and_automatic_merges(page: Page, live_server: LiveServer) -> None:
    world = _world(live_server)
    sign_in(
        page,
        live_server,
        world.librarian,
        then=f"/reviews/{world.review_id}/duplicates?record={world.ids['exercise']}",
    )
    expect(page.get_by_role("button", name="Same publication: merge")).to_be_visible()
    # Another person gives the same answer meanwhile.
    link_id = world.link("exercise", "exercise_abstract")
    assert world.decide(link_id, "confirmed", world.lead).status_code == 200
    page.get_by_role("button", name="Same publication: merge").click()
    expect(page.get_by_text("Someone already answered this question")).to_be_visible()
    expect(page.get_by_text("No pairs to decide")).to_be_visible()
    assert [pair["decided_by_id"] for pair in _pairs(world, "confirmed")] == [world.lead.id]

    # The matcher's merge of the trial's two copies is undone from its list.
    page.goto(f"{live_server.url}/reviews/{world.review_id}/duplicates?status=auto")
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(2)  # the header and the one merge
    _plain(page.locator("main"))
    assert_accessible(page)
    screenshot(page, "duplicates-merged-automatically")
    table.get_by_role("button", name="Undo the merge of").click()
    expect(page.get_by_text("Merge undone")).to_be_visible()
    expect(page.get_by_text("The matcher has merged no records yet.")).to_be_visible()
    assert world.kept()["remote_copy"] == "remote_copy"
