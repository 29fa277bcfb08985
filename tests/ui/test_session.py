"""Sign-in survives a new tab, scripts never see the token, and sign-out ends it everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.conftest import LiveServer, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect


def test_a_new_tab_stays_signed_in_until_sign_out(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead, title="Tabs and cookies")["id"]
    sign_in(page, live_server, lead, then=f"/reviews/{rid}")
    expect(page.get_by_role("heading", name="Tabs and cookies")).to_be_visible()

    # Nothing a script can read holds the token: no storage, and the session cookie is HttpOnly.
    stored = page.evaluate("() => JSON.stringify([{...sessionStorage}, {...localStorage}])")
    assert stored == "[{},{}]"
    assert "winnow_session" not in page.evaluate("() => document.cookie")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["winnow_session"]["httpOnly"] is True
    assert cookies["winnow_session"]["sameSite"] == "Strict"

    # A second tab opens the review directly, and can change things (the CSRF header is sent).
    tab = page.context.new_page()
    tab.goto(f"{live_server.url}/reviews/{rid}/settings")
    tab.get_by_label("Title").fill("Tabs, cookies and CSRF")
    tab.get_by_role("button", name="Save settings").click()
    expect(tab.get_by_text("Settings saved.")).to_be_visible()
    title = build.client.get(f"/api/v1/reviews/{rid}", headers=lead.headers).json()["title"]
    assert title == "Tabs, cookies and CSRF"

    # Signing out in one tab ends the session in the other too.
    tab.get_by_role("button", name="Sign out").click()
    tab.wait_for_url(f"{live_server.url}/login")
    page.goto(f"{live_server.url}/reviews/{rid}")
    page.wait_for_url(f"{live_server.url}/login?next=%2Freviews%2F{rid}")
    expect(page.get_by_label("Email")).to_be_visible()
