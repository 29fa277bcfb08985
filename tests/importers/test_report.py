"""The per-record report: one note per record, 1-based numbers, starting lines, reasons."""

from __future__ import annotations

import pytest

from importers.errors import ImportFormatError
from importers.model import Outcome
from importers.registry import parse_bytes
from tests.importers.files import fixture_bytes, fixture_names

MIXED = (
    "Provider: Example\n"  # line 1: a header line, not a record
    "\n"
    "TY  - JOUR\n"  # line 3: record 1, fine
    "TI  - A good record\n"
    "AU  - Doe, Jane\n"
    "ER  - \n"
    "TY  - JOUR\n"  # line 7: record 2, nothing to screen or match on
    "PY  - 2020\n"
    "ER  - \n"
    "TY  - JOUR\n"  # line 10: record 3, DOI only in the URL, ER missing before the next TY
    "TI  - Repaired record\n"
    "UR  - https://doi.org/10.1000/ABC\n"
    "TY  - BOOK\n"  # line 13: record 4, ER missing at the end of the file
    "TI  - Last record\n"
)


def test_mixed_file_reports_every_record() -> None:
    result = parse_bytes(MIXED.encode("utf-8"))
    assert [r.title for r in result.references] == [
        "A good record",
        "Repaired record",
        "Last record",
    ]
    assert [(n.record, n.line, n.outcome) for n in result.notes] == [
        (1, 3, Outcome.ACCEPTED),
        (2, 7, Outcome.REJECTED),
        (3, 10, Outcome.REPAIRED),
        (4, 13, Outcome.REPAIRED),
    ]
    assert result.notes[1].message == "record has no title, abstract, authors or identifiers"
    assert result.notes[2].message == "missing ER line added; DOI taken from UR"
    assert result.notes[3].message == "missing ER line added"
    assert result.references[1].doi == "10.1000/abc"
    assert [r.record_number for r in result.references] == [1, 3, 4]
    assert len(result.warnings) == 3
    assert len(result.rejected) == 1


def test_raw_source_record_is_kept_verbatim() -> None:
    result = parse_bytes(MIXED.encode("utf-8"))
    assert result.references[0].raw == "TY  - JOUR\nTI  - A good record\nAU  - Doe, Jane\nER  - "


# Fixtures that are not reference files: refused with what they are (see test_detect).
REFUSED = {
    "hawc__TestPubmed.test_search__00_esearch.xml": "eutils",
    "jabref__MedlineImporterTestMalformedEntry.xml": "malformed-xml",
}


@pytest.mark.parametrize("name", fixture_names())
def test_every_fixture_accounts_for_every_record(name: str) -> None:
    # A parser that raises anything else fails here: nothing is skipped.
    if name in REFUSED:
        with pytest.raises(ImportFormatError) as caught:
            parse_bytes(fixture_bytes(name))
        assert caught.value.detected == REFUSED[name]
        return
    result = parse_bytes(fixture_bytes(name))
    accepted = [n for n in result.notes if n.outcome is not Outcome.REJECTED]
    assert len(accepted) == len(result.references)
    assert [n.record for n in result.notes] == list(range(1, len(result.notes) + 1))
    assert all(n.line >= 1 for n in result.notes)
