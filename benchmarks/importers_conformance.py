"""Conformance over ../shared/data/corpus: every file parses or is refused, compared with peers.

Run: ``.venv/bin/python -m benchmarks.importers_conformance [--differences]``. Prints a row
per corpus file (format detected, records parsed, rejected, refusal), the field agreement with
rispy's, JabRef's, CoLRev's, HAWC's and ASReview's expected outputs where fields map, and
record counts of a live rispy run (separate venv) on every RIS file.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importers.assemble import reference_type
from importers.bibtex import parse_bibtex
from importers.errors import ImportFormatError
from importers.model import ParseResult, Reference
from importers.normalize import (
    extract_year,
    format_pages,
    normalize_author,
    normalize_doi,
    normalize_issn,
)
from importers.registry import parse_bytes

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "corpus"
EXPECTED = CORPUS / "expected"
RISPY_PYTHON = Path("/work/peers/rispy/bin/python")
RISPY_COUNTS = """
import json, sys, rispy
counts = {}
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            counts[path] = len(rispy.load(handle))
    except Exception as error:
        counts[path] = f"{type(error).__name__}: {error}"[:60]
print(json.dumps(counts))
"""
COMPARED = ("title", "year", "doi", "pmid", "journal", "volume", "issue", "pages", "authors")


@dataclass
class Agreement:
    """Fields compared and matched, per peer and field name."""

    compared: Counter[tuple[str, str]] = field(default_factory=Counter)
    matched: Counter[tuple[str, str]] = field(default_factory=Counter)
    differences: list[str] = field(default_factory=list)

    def check(self, peer: str, name: str, ours: object, theirs: object) -> bool:
        self.compared[peer, name] += 1
        same = _comparable(ours) == _comparable(theirs)
        self.matched[peer, name] += same
        if not same:
            self.differences.append(f"{peer:<9} {name:<16} ours={ours!r:.70} theirs={theirs!r:.70}")
        return same


def _comparable(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(_comparable(v) for v in value)
    if isinstance(value, str):
        return re.sub(r"[\W_]+", "", value.casefold())
    return value


def corpus_files() -> list[Path]:
    skipped = {"MANIFEST.json", "README.md"}
    return sorted(
        p
        for p in CORPUS.rglob("*")
        if p.is_file() and "expected" not in p.parts and p.name not in skipped
    )


def parse_file(path: Path) -> ParseResult | ImportFormatError:
    try:
        return parse_bytes(path.read_bytes())
    except ImportFormatError as error:
        return error


# --- rispy: expected/rispy/*.json, rispy key names ------------------------------------------

_RISPY_FIELDS: dict[str, tuple[str, Any]] = {
    "primary_title": ("title", str),
    "title": ("title", str),
    "document_title": ("title", str),
    "first_authors": ("authors", lambda v: tuple(normalize_author(a) for a in v)),
    "authors": ("authors", lambda v: tuple(normalize_author(a) for a in v)),
    "publication_year": ("year", extract_year),
    "year": ("year", extract_year),
    "alternate_title3": ("journal", str),
    "notes_abstract": ("abstract", str),
    "abstract": ("abstract", str),
    "keywords": ("keywords", tuple),
    "volume": ("volume", str),
    "number": ("issue", str),
    "doi": ("doi", normalize_doi),
    "issn": ("issn", lambda v: normalize_issn(v[0] if isinstance(v, list) else v)),
    "urls": ("url", lambda v: v[0]),
    "type_of_reference": ("type", reference_type),
}


def compare_rispy(
    results: dict[str, ParseResult | ImportFormatError], agreement: Agreement
) -> None:
    for path in sorted((EXPECTED / "rispy").glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        result = results.get(spec["input"])
        if not isinstance(result, ParseResult):
            agreement.check("rispy", "parsed", False, True)
            continue
        for index, entry in _rispy_entries(spec["expected"], len(result.references)):
            if index >= len(result.references):
                agreement.check("rispy", "record", None, index)
                continue
            _compare_rispy_entry(result.references[index], entry, agreement)


def _rispy_entries(expected: Any, count: int) -> list[tuple[int, dict[str, Any]]]:
    if isinstance(expected, list):
        return list(enumerate(expected))
    if "type_of_reference" in expected:  # one entry: the first, or every entry alike
        return [(i, expected) for i in range(max(count, 1))]
    entries: dict[int, dict[str, Any]] = {}
    for key, value in expected.items():
        match = re.match(r"entries\[(\d+)\]\.(\w+)", key)
        if match:
            entries.setdefault(int(match.group(1)), {})[match.group(2)] = value
    return sorted(entries.items())


def _compare_rispy_entry(reference: Reference, entry: dict[str, Any], agreement: Agreement) -> None:
    start, end = entry.get("start_page"), entry.get("end_page")
    if start is not None or end is not None:
        agreement.check("rispy", "pages", reference.pages, format_pages(start, end))
    for key, value in entry.items():
        if key in _RISPY_FIELDS:
            name, convert = _RISPY_FIELDS[key]
            agreement.check("rispy", name, getattr(reference, name), convert(value))


# --- JabRef and CoLRev: expected BibTeX, read with our own BibTeX parser -----------------------


def compare_bib_peers(
    results: dict[str, ParseResult | ImportFormatError], agreement: Agreement
) -> None:
    by_stem = {Path(k).name.split("__", 1)[-1].rsplit(".", 1)[0]: k for k in results}
    for peer, prefix, suffix in (("jabref", "jabref", ".bib"), ("colrev", "colrev", "_result.bib")):
        for path in sorted((EXPECTED / peer).glob("*.bib")):
            stem = path.name.removesuffix(suffix)
            key = next((k for s, k in by_stem.items() if s == stem and f"/{prefix}__" in k), None)
            result = results.get(key) if key else None
            if key is None:
                continue
            expected = parse_bibtex(path.read_text(encoding="utf-8")).references
            if not isinstance(result, ParseResult):
                agreement.check(peer, "parsed", False, True)
                continue
            for ours, theirs in _pair(result.references, expected, by_order=peer == "jabref"):
                _compare_references(peer, ours, theirs, agreement)


def _pair(
    ours: tuple[Reference, ...], theirs: tuple[Reference, ...], *, by_order: bool
) -> list[tuple[Reference, Reference]]:
    if by_order:
        return list(zip(ours, theirs, strict=False))
    pairs = []
    for expected in theirs:  # CoLRev re-sorts records: pair by DOI, else by title
        match = next((r for r in ours if expected.doi and r.doi == expected.doi), None) or next(
            (r for r in ours if _comparable(r.title) == _comparable(expected.title)), None
        )
        if match is not None:
            pairs.append((match, expected))
    return pairs


def _compare_references(
    peer: str, ours: Reference, theirs: Reference, agreement: Agreement
) -> None:
    for name in COMPARED:
        expected = getattr(theirs, name)
        if expected in (None, "", (), "UNKNOWN"):
            continue  # the peer has no value to compare with (CoLRev writes "UNKNOWN")
        if name == "authors":
            agreement.check(peer, "authors (count)", len(ours.authors), len(expected))
        else:
            agreement.check(peer, name, getattr(ours, name), expected)


# --- HAWC (RIS and recorded efetch) and ASReview (record counts) ------------------------------


def compare_hawc(results: dict[str, ParseResult | ImportFormatError], agreement: Agreement) -> None:
    spec = json.loads((EXPECTED / "hawc" / "test_ris.expected.json").read_text(encoding="utf-8"))
    result = results.get(spec["input"])
    if isinstance(result, ParseResult):
        agreement.check("hawc", "record count", len(result.references), spec["expected"]["len"])
        for key, entry in spec["expected"].items():
            match = re.fullmatch(r"refs\[(\d+)\]", key)
            if match and int(match.group(1)) < len(result.references):
                _compare_hawc_entry(result.references[int(match.group(1))], entry, agreement)
    cases = json.loads(
        (EXPECTED / "hawc" / "test_pubmed.expected.json").read_text(encoding="utf-8")
    )
    for case, entry in cases["cases"].items():
        key = f"eutils/hawc__{case}__00_efetch.xml"
        fetched = results.get(key)
        if not isinstance(fetched, ParseResult) or "ids" not in entry:
            continue
        ids = [str(i) for i in entry["ids"]]
        agreement.check("hawc", "pmids", [r.pmid for r in fetched.references], ids)
        _compare_hawc_entry(fetched.references[0], entry.get("expected", entry), agreement)


def _compare_hawc_entry(reference: Reference, entry: dict[str, Any], agreement: Agreement) -> None:
    if "title" in entry:
        agreement.check("hawc", "title", reference.title, entry["title"])
    if "year" in entry:
        agreement.check("hawc", "year", reference.year, entry["year"])
    if "doi" in entry:
        agreement.check("hawc", "doi", reference.doi, normalize_doi(entry["doi"]))
    if "PMID" in entry:
        expected_pmid = entry["PMID"]
        agreement.check("hawc", "pmid", reference.pmid, expected_pmid and str(expected_pmid))
    if "authors" in entry:
        agreement.check("hawc", "authors (count)", len(reference.authors), len(entry["authors"]))
    if entry.get("authors_short"):
        # HAWC writes "Surname Initials et al."; our first author starts with the same surname.
        surname = (reference.authors or ("",))[0].split(",")[0]
        found = bool(surname) and entry["authors_short"].startswith(surname)
        agreement.check("hawc", "first author", found, True)


def compare_asreview(
    results: dict[str, ParseResult | ImportFormatError], agreement: Agreement
) -> None:
    spec = json.loads(
        (EXPECTED / "asreview" / "test_readers.expected.json").read_text(encoding="utf-8")
    )
    for key, count in spec["record_counts"].items():
        result = results.get(key)
        seen = len(result.notes) if isinstance(result, ParseResult) else 0
        agreement.check("asreview", "record count", seen, count)


# --- report -----------------------------------------------------------------------------------


def print_files(results: dict[str, ParseResult | ImportFormatError]) -> None:
    print(f"{'file':<62} {'format':<14} {'parsed':>6} {'rej':>4}  refused (message)")
    totals = Counter[str]()
    for key, result in results.items():
        if isinstance(result, ParseResult):
            parsed, rejected = len(result.references), len(result.rejected)
            totals.update(files=1, parsed=parsed, rejected=rejected)
            print(f"{key[:62]:<62} {result.format:<14} {parsed:>6} {rejected:>4}")
        else:
            totals.update(files=1, refused=1)
            print(f"{key[:62]:<62} {'-':<14} {'-':>6} {'-':>4}  {result.message[:70]}")
    print(
        f"TOTAL {totals['files']} files: {totals['parsed']} records parsed, "
        f"{totals['rejected']} rejected with a reason, {totals['refused']} files refused "
        "with a message, 0 crashes"
    )


def print_agreement(agreement: Agreement) -> None:
    print(f"\n{'peer':<10} {'field':<18} {'matched':>8} {'compared':>9} {'agree':>7}")
    for peer, name in sorted(agreement.compared):
        compared, matched = agreement.compared[peer, name], agreement.matched[peer, name]
        print(f"{peer:<10} {name:<18} {matched:>8} {compared:>9} {matched / compared:>7.0%}")
    for peer in sorted({p for p, _ in agreement.compared}):
        compared = sum(v for (p, _), v in agreement.compared.items() if p == peer)
        matched = sum(v for (p, _), v in agreement.matched.items() if p == peer)
        print(
            f"{peer:<10} {'ALL FIELDS':<18} {matched:>8} {compared:>9} {matched / compared:>7.0%}"
        )


def print_rispy_counts(results: dict[str, ParseResult | ImportFormatError]) -> None:
    """Records found by a live rispy and by us in each RIS file, where they differ."""
    if not RISPY_PYTHON.exists():
        print(f"\nrispy live run skipped: no venv at {RISPY_PYTHON}")
        return
    keys = [k for k in results if k.startswith("ris/")]
    completed = subprocess.run(
        [str(RISPY_PYTHON), "-c", RISPY_COUNTS, *(str(CORPUS / k) for k in keys)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    counts = {
        Path(k).relative_to(CORPUS).as_posix(): v for k, v in json.loads(completed.stdout).items()
    }
    same = 0
    print(f"\n{'RIS file where rispy and winnow differ':<58} {'rispy':>24} {'winnow':>12}")
    for key in keys:
        result = results[key]
        ours = (
            f"{len(result.notes)} ({len(result.rejected)} rej)"
            if isinstance(result, ParseResult)
            else "refused"
        )
        theirs = counts.get(key)
        if isinstance(result, ParseResult) and theirs == len(result.notes):
            same += 1
            continue
        print(f"{key[:58]:<58} {str(theirs)[:24]:>24} {ours:>12}")
    print(f"same record count in {same} of {len(keys)} RIS files")


def main() -> int:
    if not CORPUS.is_dir():
        print(f"skipped: corpus not found at {CORPUS}")
        return 0
    results = {str(p.relative_to(CORPUS)): parse_file(p) for p in corpus_files()}
    print_files(results)
    agreement = Agreement()
    compare_rispy(results, agreement)
    compare_bib_peers(results, agreement)
    compare_hawc(results, agreement)
    compare_asreview(results, agreement)
    print_agreement(agreement)
    print_rispy_counts(results)
    if "--differences" in sys.argv:
        print("\n" + "\n".join(agreement.differences))
    return 0


if __name__ == "__main__":
    sys.exit(main())
