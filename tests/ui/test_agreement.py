"""Agreement, issue 17: one computation (overall and pair kappa are the same table when there is
one pair, whoever voted first), on DOMAIN.md's worked example 1; and a blinded reviewer is told
what the figures leave out instead of reading "100%, kappa 1.00" while conflicts are open."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.api.builders import ReviewRows
from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import LiveServer, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect

# DOMAIN.md §3.5 example 1: a = both include, b = R1 include / R2 exclude, c, d.
EXAMPLE_1 = {
    ("include", "include"): 20,
    ("include", "exclude"): 5,
    ("exclude", "include"): 10,
    ("exclude", "exclude"): 165,
}


def test_one_computation_on_domain_example_1_and_a_blinded_view_that_says_what_it_leaves_out(
    page: Page, live_server: LiveServer
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]  # dual, blinded
    ana = build.member(lead, rid, "reviewer", name="Ana Screener")
    ben = build.member(lead, rid, "reviewer", name="Ben Screener")
    rows = ReviewRows(build.engine, rid)
    pairs = [votes for votes, n in EXAMPLE_1.items() for _ in range(n)]
    records = rows.records(rows.source("MEDLINE"), *(f"Trial {i}" for i in range(len(pairs))))
    for i, (record_id, (ana_vote, ben_vote)) in enumerate(zip(records, pairs, strict=True)):
        # Ben votes first on every other record: the order must not change the figures.
        order = [(ana.id, ana_vote), (ben.id, ben_vote)]
        for reviewer, vote in order if i % 2 else reversed(order):
            rows.vote(record_id, reviewer, vote)

    sign_in(page, live_server, lead, then=f"/reviews/{rid}/agreement")
    figures = page.get_by_role("region", name="Agreement")
    expect(figures.locator(".stat").nth(0)).to_contain_text("200")
    expect(figures.locator(".stat").nth(1)).to_contain_text("92.5%")
    expect(figures.locator(".stat").nth(2)).to_contain_text("0.68")
    expect(figures.locator(".stat").nth(2)).to_contain_text("95% CI 0.53 to 0.84")
    expect(figures.locator(".stat").nth(3)).to_contain_text("0.85")
    pair = page.get_by_role("table", name="Per pair of reviewers").get_by_role("row").nth(1)
    expect(pair).to_contain_text("200")
    expect(pair).to_contain_text("92.5%")
    expect(pair).to_contain_text("0.68")
    expect(pair).to_contain_text("15")  # conflicts: b + c
    expect(page.get_by_role("note")).to_have_count(0)  # a lead sees every record
    page.context.clear_cookies()

    sign_in(page, live_server, ana, then=f"/reviews/{rid}/agreement")
    note = page.get_by_role("note")
    expect(note).to_have_text(
        "Blinding is on: these figures count the 185 records already settled. 15 records rated"
        " by two reviewers are left out until they are settled, open conflicts among them, so"
        " agreement here reads higher than it is."
    )
    expect(figures.locator(".stat").nth(0)).to_contain_text("settled records screened by two")
    screenshot(page, "agreement-blinded-left-out")
    assert_accessible(page)
