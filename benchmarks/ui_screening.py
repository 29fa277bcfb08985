"""Benchmark: key press to the next record on screen, in chromium, on an N-record review.

Run: ``.venv/bin/python -m benchmarks.ui_screening [N] [VOTES]`` (defaults 10000 and 30).
It builds a throwaway SQLite review of N generated records, serves it with uvicorn, signs in and
votes with the keyboard; each time is measured inside the page, from the key event to the new
record in the DOM (one frame later), and also split into the two API calls a vote needs."""

from __future__ import annotations

import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import (  # type: ignore[import-not-found, unused-ignore]
    Page,
    sync_playwright,
)

from api.db import make_engine
from api.main import create_app
from api.migrate import upgrade_to_head
from api.settings import Settings
from tests.api.builders import PASSWORD, Account, Builder
from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT

WORDS = [
    "exercise",
    "pain",
    "back",
    "randomised",
    "trial",
    "adults",
    "children",
    "yoga",
    "walking",
    "cohort",
    "outcome",
    "function",
]
KEYWORDS = {"include": ["exercise", "randomised"], "exclude": ["children"]}
# Resolves with the milliseconds from a key event to the next record being in the DOM and painted.
MEASURE_JS = """([key, before]) => new Promise((resolve) => {
  const started = performance.now();
  const observer = new MutationObserver(() => {
    const record = document.querySelector('article.record');
    if (record && record.dataset.recordId !== before) {
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - started));
    }
  });
  observer.observe(document.getElementById('main'), { subtree: true, childList: true });
  document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
})"""


def _ris(count: int) -> bytes:
    rng = random.Random(1)

    def text(words: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words))

    entries = [
        f"TY  - JOUR\nTI  - {text(10)} {i}\nAU  - Author{i}, A.\nPY  - {2000 + i % 24}\n"
        f"JO  - Journal {i % 50}\nAB  - BACKGROUND: {text(40)}. METHODS: {text(60)}. "
        f"RESULTS: {text(50)}.\nER  - \n"
        for i in range(count)
    ]
    return "\n".join(entries).encode()


def _review(build: Builder, count: int) -> tuple[Account, int]:
    lead = build.user(name="Lead")
    rid = build.review(lead, settings={"keywords": KEYWORDS})["id"]
    source = build.source(lead, rid)
    response = build.client.post(
        f"/api/v1/reviews/{rid}/imports",
        files={"file": ("big.ris", _ris(count))},
        data={"source_id": str(source["id"])},
        headers=lead.headers,
    )
    assert response.status_code == 201, response.text[:300]
    return lead, rid


def _vote_in_browser(page: Page, votes: int) -> list[float]:
    record = page.locator("article.record")
    record.wait_for()
    timings = []
    for i in range(votes):
        before = record.get_attribute("data-record-id")
        timings.append(float(page.evaluate(MEASURE_JS, ["ie"[i % 2], before])))
    return timings


def _api_split(build: Builder, lead: Account, rid: int, votes: int) -> tuple[list[float], ...]:
    nexts, posts = [], []
    base = f"/api/v1/reviews/{rid}"
    for i in range(votes):
        started = time.perf_counter()
        card = build.client.get(f"{base}/screening/title_abstract/next", headers=lead.headers)
        nexts.append((time.perf_counter() - started) * 1000)
        body = {"stage": "title_abstract", "decision": "include" if i % 2 else "exclude"}
        started = time.perf_counter()
        build.client.post(
            f"{base}/records/{card.json()['record']['id']}/decisions",
            json=body,
            headers=lead.headers,
        )
        posts.append((time.perf_counter() - started) * 1000)
    return nexts, posts


def _row(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[max(0, int(0.9 * len(ordered)) - 1)]
    return f"| {name} | {statistics.median(values):.0f} | {p90:.0f} | {max(values):.0f} |"


def main(count: int = 10_000, votes: int = 30) -> None:
    folder = Path(tempfile.mkdtemp(prefix="winnow-ui-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    app = create_app(engine, Settings(database_url=url, data_dir=folder, max_upload_mb=200))
    build = Builder(TestClient(app), engine)
    lead, rid = _review(build, count)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
        page.goto(f"{base}/login?next=/reviews/{rid}/screen/title_abstract")
        page.get_by_label("Email").fill(lead.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Password").press("Enter")
        in_browser = _vote_in_browser(page, votes)
        browser.close()
    nexts, posts = _api_split(build, lead, rid, votes)
    server.should_exit = True
    lines = [
        f"{count} records, {votes} votes (ms)",
        "| measure | median | p90 | max |",
        "|---|---|---|---|",
    ]
    for name, values in [
        ("key press to next record on screen", in_browser),
        ("API: GET next", nexts),
        ("API: POST decision", posts),
    ]:
        lines.append(_row(name, values))
    sys.stdout.write("\n".join(lines) + "\n")


def _args(argv: list[str]) -> dict[str, Any]:
    names = ["count", "votes"]
    return {name: int(value) for name, value in zip(names, argv, strict=False)}


if __name__ == "__main__":
    main(**_args(sys.argv[1:]))
