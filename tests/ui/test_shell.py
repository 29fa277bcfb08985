"""Signing in, the home page and the review pages for leads."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.api.builders import PASSWORD
from tests.ui.conftest import LiveServer, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page  # type: ignore[import-not-found, unused-ignore]

expect = pytest.importorskip("playwright.sync_api", reason="needs the playwright package").expect


def test_sign_in_with_the_keyboard_shows_the_reviews(page: Page, live_server: LiveServer) -> None:
    build = live_server.build
    lead = build.user(name="Ada Lead")
    build.review(lead, title="Exercise for chronic low back pain", description="Adults, RCTs.")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login")
    screenshot(page, "login")
    expect(page.get_by_label("Email")).to_be_focused()  # type at once, no click needed
    page.keyboard.type(lead.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Exercise for chronic low back pain")).to_be_visible()
    screenshot(page, "home")
