"""An upload is parsed without touching the server's process-wide state: the garbage collector
stays on during the parse, and logging stays as the host configured it."""

from __future__ import annotations

import gc
import logging
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from importers import registry
from importers.model import ParseResult
from importers.ris import parse_ris_blocks
from tests.api.builders import Builder
from tests.api.test_imports import THREE_RECORDS, upload

# Hand-made: one good entry, one that bibtexparser cannot read (its splitter logs a warning).
BROKEN_BIBTEX = b"""@article{good,
  title = {Exercise therapy for chronic low back pain},
  author = {Smith, Jane},
  year = {2019}
}

@article{broken,
  title = {Yoga for back pain
  author = {Doe, John}

@article{after,
  title = {Walking for back pain},
  year = {2021}
}
"""
LOGGERS = ("", "bibtexparser", "bibtexparser.splitter")


def _logging_state() -> list[tuple[Any, ...]]:
    state = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        state.append(
            (
                name,
                logger.level,
                logger.propagate,
                logger.disabled,
                list(logger.handlers),
                list(logger.filters),
            )
        )
    return state


def _watching(parse: Callable[..., ParseResult], seen: list[bool]) -> Callable[..., ParseResult]:
    def watched(*args: Any, **kwargs: Any) -> ParseResult:
        seen.append(gc.isenabled())
        return parse(*args, **kwargs)

    return watched


def test_an_upload_is_parsed_with_the_collector_on_and_logging_untouched(
    client: TestClient, build: Builder, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    assert gc.isenabled()
    seen: list[bool] = []
    # The two ways parse_bytes reaches a parser: the table, and RIS streamed a block at a time.
    monkeypatch.setitem(registry.PARSERS, "bibtex", _watching(registry.PARSERS["bibtex"], seen))
    monkeypatch.setattr(registry, "parse_ris_blocks", _watching(parse_ris_blocks, seen))
    lead = build.user()
    rid = build.review(lead)["id"]
    source = build.source(lead, rid)
    caplog.set_level(logging.INFO)
    before = _logging_state()

    bibtex = upload(client, lead, rid, source["id"], BROKEN_BIBTEX, name="search.bib")
    ris = upload(client, lead, rid, source["id"], THREE_RECORDS)

    assert (bibtex.status_code, ris.status_code) == (201, 201), (bibtex.text, ris.text)
    assert bibtex.json()["records_rejected"] == 1  # the unreadable block is reported, not logged
    assert seen == [True, True]
    assert gc.isenabled()
    assert _logging_state() == before
    assert not [r for r in caplog.records if r.name.startswith("bibtexparser")]
    # The parse's filter is gone with it: bibtexparser's own messages reach the host again.
    logging.getLogger("bibtexparser.splitter").warning("a message after the parse")
    assert [r.getMessage() for r in caplog.records if r.name.startswith("bibtexparser")] == [
        "a message after the parse"
    ]


def test_importing_the_parsers_configures_no_logger() -> None:
    # A fresh interpreter: this one imported the parsers long ago.
    script = (
        "import logging\n"
        "def state():\n"
        "    return [(n, logging.getLogger(n).level, logging.getLogger(n).propagate,\n"
        "             logging.getLogger(n).handlers, logging.getLogger(n).filters)\n"
        f"            for n in {LOGGERS!r}]\n"
        "before = state()\n"
        "import importers.registry\n"
        "assert state() == before, (before, state())\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
