"""Accounts in the browser: an administrator creates, deactivates and resets accounts; a lead
invites an unknown address; the invitee sets a password through the link and signs in."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.api.builders import PASSWORD
from tests.ui.accessibility import assert_accessible
from tests.ui.conftest import VIEWPORT, LiveServer, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect
NEW_PASSWORD = "my own passphrase"


def _use_link(browser: Browser, live_server: LiveServer, link: str, email: str) -> None:
    """In a browser of its own (no session), set a password through the link and sign in."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_text(f"You sign in with {email}.")).to_be_visible()
    screenshot(page, "set-password")
    assert_accessible(page)
    page.get_by_label("New password").first.fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill("not the same one")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("The two passwords differ.")).to_be_visible()
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Password set")).to_be_visible()
    assert "#token" not in page.url
    page.goto("about:blank")
    page.goto(link)  # a spent link
    expect(page.get_by_text("this link was already used")).to_be_visible()
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    context.close()


def test_an_administrator_runs_accounts_in_the_browser(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    build = live_server.build
    admin = build.user(admin=True, name="Ada Admin")
    leaving = build.user(name="Leo Leaving")
    forgetful = build.user(name="Fay Forgetful")
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, live_server, admin)
    page.get_by_role("link", name="Accounts").click()
    page.wait_for_url(f"{live_server.url}/admin/users")
    page.get_by_label("Name").fill("Nia New")
    page.get_by_label("Email").fill("nia@example.org")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Account made for Nia New.")).to_be_visible()
    link = page.get_by_label("Account made for Nia New.: link").input_value()
    assert link.startswith(f"{live_server.url}/set-password#token=")
    accounts = page.get_by_role("table", name="All accounts")
    expect(accounts.get_by_role("row").filter(has_text="Nia New")).to_contain_text(
        "Waiting for a password"
    )

    page.get_by_role("button", name="Deactivate Leo Leaving").click()
    expect(accounts.get_by_role("row").filter(has_text="Leo Leaving")).to_contain_text(
        "Deactivated"
    )
    assert build.client.get("/api/v1/users/me", headers=leaving.headers).status_code == 401

    page.get_by_role("button", name="Reset the password of Fay Forgetful").click()
    reset_link = page.get_by_label("New password link for Fay Forgetful.: link").input_value()
    login = build.client.post(
        "/api/v1/auth/token", data={"username": forgetful.email, "password": PASSWORD}
    )
    assert login.status_code == 401
    screenshot(page, "accounts")
    assert_accessible(page)

    _use_link(browser, live_server, link, "nia@example.org")
    _use_link(browser, live_server, reset_link, forgetful.email)


def test_a_lead_invites_an_address_without_an_account(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Lena Lead")
    rid = build.review(lead)["id"]
    sign_in(page, live_server, lead, then=f"/reviews/{rid}/settings")
    page.get_by_label("Email").fill("ivy@example.org")
    page.get_by_label("Name (for an invitation)").fill("Ivy Invited")
    page.get_by_label("Role", exact=True).select_option("reviewer")
    page.get_by_role("button", name="Add member").click()
    expect(
        page.get_by_text("ivy@example.org has no account yet: an invitation was made.")
    ).to_be_visible()
    link = page.get_by_role("textbox", name="ivy@example.org has no account yet").input_value()
    assert "/set-password#token=" in link
    members = page.get_by_role("region", name="Members")
    expect(members).to_contain_text("Ivy Invited")
    # Role selects show the whole role: each is wider than its longest option's text.
    for select in page.locator("select.role-select").all():
        room = select.evaluate(
            """el => {
                const ctx = document.createElement("canvas").getContext("2d");
                ctx.font = getComputedStyle(el).font;
                const widths = [...el.options].map((o) => ctx.measureText(o.text).width);
                const widest = Math.max(...widths);
                return el.clientWidth - widest;
            }"""
        )
        assert room > 24, room  # the text plus the arrow fit
    screenshot(page, "settings-invitation")
    assert_accessible(page)
    page.goto(f"{live_server.url}/admin/users")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
