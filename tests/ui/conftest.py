"""A real uvicorn server on the test database, and Debian's headless chromium via Playwright."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.main import create_app
from api.settings import Settings
from tests.api.builders import PASSWORD, Account, Builder

if TYPE_CHECKING:  # playwright is a dev dependency; without it the browser tests skip
    from playwright.sync_api import (  # type: ignore[import-not-found, unused-ignore]
        Browser,
        Page,
        Playwright,
    )

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORT = {"width": 1366, "height": 820}  # a laptop screen


@dataclass
class LiveServer:
    url: str
    build: Builder


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # A developer without a browser may skip these; CI must not pass by skipping them.
    if os.environ.get("CI") and not CHROMIUM.exists():
        pytest.fail("CI needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    with sync_api.sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def server_settings() -> dict[str, Any]:
    """Extra settings for the test server; a test module overrides this fixture to add some."""
    return {}


@pytest.fixture
def live_server(
    tmp_path: Path, engine: Engine, database_url: str, server_settings: dict[str, Any]
) -> Iterator[LiveServer]:
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", **server_settings)
    app = create_app(engine, settings)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    # Set-up data goes through a second app on the same database, in-process (no lifespan, no job
    # runner). Not the served app: its request-slot semaphore belongs to the server's event loop.
    setup_app = create_app(engine, settings)
    yield LiveServer(url=f"http://127.0.0.1:{port}", build=Builder(TestClient(setup_app), engine))
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(10_000)  # generous for a busy machine; passing tests never wait it out
    uncaught: list[str] = []  # a script error is a failure even when the page looks right
    page.on("pageerror", lambda error: uncaught.append(str(error)))
    yield page
    context.close()
    assert not uncaught, f"uncaught errors in the page: {uncaught}"


def sign_in(page: Page, server: LiveServer, account: Account, then: str = "/") -> None:
    """Log in through the form, with the keyboard, and land on *then*."""
    page.goto(f"{server.url}/login?next={then}")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{server.url}{then}")


def screenshot(page: Page, name: str) -> Path | None:
    """A full-page screenshot into test-artifacts/ (WINNOW_UI_SCREENSHOTS=0 turns them off)."""
    if os.environ.get("WINNOW_UI_SCREENSHOTS") == "0":
        return None
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ui"


def import_ris(server: LiveServer, account: Account, rid: int, name: str) -> dict[str, Any]:
    """Import a fixture file through the API (set-up, not the thing under test)."""
    build = server.build
    source = build.source(account, rid)
    response = build.client.post(
        f"/api/v1/reviews/{rid}/imports",
        files={"file": (name, (FIXTURES / name).read_bytes())},
        data={"source_id": str(source["id"])},
        headers=account.headers,
    )
    assert response.status_code == 201, response.text
    report: dict[str, Any] = response.json()
    return report


def record_timings(name: str, seconds: list[float]) -> None:
    """Keep measured figures beside the screenshots (they vary with the machine's load)."""
    ARTIFACTS.mkdir(exist_ok=True)
    figures = ", ".join(f"{s * 1000:.0f} ms" for s in seconds)
    (ARTIFACTS / f"{name}.txt").write_text(f"{name}: {figures}\n", encoding="utf-8")


def attach_pdf(server: LiveServer, account: Account, rid: int, record_id: int) -> None:
    """Attach the hand-made PDF as a record's full text (set-up through the API)."""
    response = server.build.client.put(
        f"/api/v1/reviews/{rid}/records/{record_id}/full-text",
        files={"file": ("trial.pdf", (FIXTURES / "trial.pdf").read_bytes(), "application/pdf")},
        headers=account.headers,
    )
    assert response.status_code in (200, 201), response.text
