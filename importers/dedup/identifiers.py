"""Identifiers as matching keys: a publication's DOI and PubMed id (pure string functions)."""

from __future__ import annotations

import re

from importers.normalize import normalize_doi, normalize_pmid

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# A figure or table of an article: "10.1371/journal.pone.0094853.g001".
_PART_SUFFIX = re.compile(r"\.[gt]\d{3}$")
_ISSN_ONLY = re.compile(r"\d{7}[\dx]")
# Cochrane reviews: one DOI stem per review, a ".pubN" suffix per updated version.
_COCHRANE_REVIEW = re.compile(r"^(10\.1002/14651858\.cd\d{6})(?:\.pub\d+)?$")
_COCHRANE_NUMBER = re.compile(r"cd\d{6}")
# Cochrane CENTRAL's accession of a trial record: the register entry, not the publication.
_CENTRAL = re.compile(r"^10\.1002/central/cn-\d+")
_PUBMED_URL = re.compile(r"ncbi\.nlm\.nih\.gov/pubmed/(\d+)|pubmed\.ncbi\.nlm\.nih\.gov/(\d+)")


def central_accession(value: str | None) -> str | None:
    """The accession (``CN-01234567``) when a DOI field holds a Cochrane CENTRAL register
    entry's DOI instead of the publication's own; else ``None``."""
    match = _CENTRAL.match(normalize_doi(value) or "")
    return match.group(0).rsplit("/", 1)[1].upper() if match else None


def doi_key(value: str | None) -> str:
    """The DOI of the publication itself, in a form that export variants share; else empty.

    Read with the importers' one :func:`~importers.normalize.normalize_doi`, then:
    - a DOI of a figure or table (``.g001``, ``.t001``) is the article's DOI plus a suffix;
    - a Cochrane review keeps its DOI stem (``10.1002/14651858.CD001234``) across its
      updated versions (``.pub2``, ``.pub3``): one review;
    - punctuation inside the suffix varies between exports (``_12`` and ``-12``), letters and
      digits decide;
    - a Cochrane CENTRAL accession (``10.1002/central/CN-...``) names a register record, and a
      journal's ISSN after its prefix names the journal: neither is a publication's DOI.
    """
    doi = normalize_doi(value)
    if not doi or _CENTRAL.match(doi):
        return ""
    doi = _COCHRANE_REVIEW.sub(r"\1", _PART_SUFFIX.sub("", doi))
    prefix, _, suffix = doi.partition("/")
    suffix = _NON_ALNUM.sub("", suffix)
    if not suffix or _ISSN_ONLY.fullmatch(suffix):
        return ""
    return f"{prefix}/{suffix}"


def cochrane_doi_key(pages: str) -> str:
    """A Cochrane review's number in the pages field (``CD001234``) names the review: its DOI
    stem, as :func:`doi_key` gives it."""
    number = pages.strip().lower()
    if not _COCHRANE_NUMBER.fullmatch(number):
        return ""
    return doi_key(f"10.1002/14651858.{number}")


def pmid_key(pmid: str | None, url: str) -> str:
    """The PubMed id from the PMID field, or from a PubMed link when the field is empty."""
    found = normalize_pmid(pmid)
    if found:
        return found
    if "pubmed" not in url:
        return ""
    match = _PUBMED_URL.search(url)
    return (match.group(1) or match.group(2)) if match else ""
