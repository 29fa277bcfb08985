"""Independent readers for test assertions (no code from the client under test)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import defusedxml.ElementTree as SafeET

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "eutils"


def pmids_in_article_sets(documents: Iterable[bytes]) -> list[str]:
    """Every record PMID in PubmedArticleSet documents, in order, duplicates kept."""
    found: list[str] = []
    for document in documents:
        root = SafeET.fromstring(document)
        assert root.tag == "PubmedArticleSet"
        for record in root:
            pmid = record.findtext("MedlineCitation/PMID") or record.findtext("BookDocument/PMID")
            assert pmid, f"record without PMID: {record.tag}"
            found.append(pmid)
    return found


def recorded_esearch_ids(name: str) -> list[str]:
    """The IdList of a recorded esearch answer."""
    root = SafeET.fromstring((FIXTURES / name).read_bytes())
    return [element.text or "" for element in root.findall("IdList/Id")]
