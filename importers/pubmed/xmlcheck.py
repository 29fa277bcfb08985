"""Checks an E-utilities body before anyone trusts it: complete, safe, and not an ``<ERROR>``.

Bodies are scanned with expat without building a tree (efetch batches run to megabytes);
only small non-PubmedArticleSet bodies are parsed into a tree, to read their ``<ERROR>``s.
"""

from __future__ import annotations

import re
from xml.parsers import expat

import defusedxml.ElementTree as SafeET

from importers.pubmed.errors import EutilsServiceError

ARTICLE_SET = "PubmedArticleSet"
_RECORD_PMID = re.compile(rb"<(?:MedlineCitation|BookDocument)\b[^>]*>\s*<PMID\b[^>]*>\s*(\d+)")


class MalformedBody(Exception):
    """The body does not parse or is not what was asked for: usually cut short in transit."""


def check_body(endpoint: str, body: bytes, expected_root: str) -> None:
    """Raise MalformedBody (worth a retry) or EutilsServiceError (not worth one)."""
    root_tag = _scan(endpoint, body)
    if root_tag == ARTICLE_SET == expected_root:
        return  # an article set never carries <ERROR>; no need for a tree
    root = SafeET.fromstring(body)
    errors = tuple(text for e in root.findall("ERROR") if (text := (e.text or "").strip()))
    if errors:
        raise EutilsServiceError(endpoint, errors)
    if root_tag != expected_root:
        raise MalformedBody(f"unexpected XML root <{root_tag}>, wanted <{expected_root}>")


def record_pmids(body: bytes) -> tuple[str, ...]:
    """PMIDs of the articles and book records of a PubmedArticleSet body, in order.

    Reads only each record's own PMID (the one opening MedlineCitation or BookDocument),
    not the PMIDs of cited or corrected articles.
    """
    return tuple(match.decode() for match in _RECORD_PMID.findall(body))


def _scan(endpoint: str, body: bytes) -> str:
    """Well-formedness check in C; refuses entity declarations; returns the root's name."""
    parser = expat.ParserCreate()
    root: list[str] = []

    def first_element(name: str, _attrs: dict[str, str]) -> None:
        root.append(name)
        parser.StartElementHandler = None  # later elements cost nothing

    def refuse_entity(*_args: object) -> None:
        raise EutilsServiceError(endpoint, ("unsafe XML refused: it declares entities",))

    parser.StartElementHandler = first_element
    parser.EntityDeclHandler = refuse_entity
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise MalformedBody(f"truncated or malformed XML ({exc})") from exc
    if not root:
        raise MalformedBody("empty body")
    return root[0]
