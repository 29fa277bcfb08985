"""The PRISMA page: counts readable as text beside the diagram, open identities in plain words,
and downloads marked draft until the numbers add up."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.api.builders import ReviewRows
from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import LiveServer, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect


def test_prisma_counts_as_text_plain_warnings_and_draft_downloads(
    page: Page, live_server: LiveServer
) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]
    rows = ReviewRows(build.engine, rid)
    source = rows.source("MEDLINE")
    kept, dropped, open_record = rows.records(source, "Yoga trial", "Cat study", "Tai chi trial")
    rows.resolve(kept, lead.id, "include")
    rows.resolve(dropped, lead.id, "exclude")
    rows.full_text(kept)
    rows.resolve(kept, lead.id, "include", stage="full_text")

    sign_in(page, live_server, lead, then=f"/reviews/{rid}/prisma")
    expect(page.get_by_role("heading", name="PRISMA 2020 flow diagram (draft)")).to_be_visible()
    counts = page.get_by_role("region", name="Screening")
    expect(counts.locator(".count-row").filter(has_text="Records screened")).to_contain_text("3")
    expect(counts.locator(".count-row").filter(has_text="Records excluded")).to_contain_text("1")
    warnings = page.get_by_role("status").filter(has_text="Draft: the numbers do not add up yet")
    expect(warnings).to_contain_text("1 record is not yet settled at title and abstract")
    # The technical names stay folded away under "Rule D5".
    expect(warnings.get_by_text("dbr_sought_reports", exact=False)).to_be_hidden()
    screenshot(page, "prisma-draft")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download draft SVG").click()
    assert download.value.suggested_filename == f"prisma-review-{rid}-draft.svg"

    # Once the last record is settled the numbers add up and the downloads are final.
    rows.resolve(open_record, lead.id, "exclude")
    page.reload()
    expect(page.get_by_text("The numbers add up")).to_be_visible()
    expect(page.get_by_role("heading", name="PRISMA 2020 flow diagram", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename == f"prisma-review-{rid}.csv"
    included = page.get_by_role("region", name="Included")
    expect(included.locator(".count-row").first).to_contain_text("1")
