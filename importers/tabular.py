"""CSV/TSV exports (Scopus, WoS, PubMed, Embase, Covidence, Rayyan, ASReview) via column aliases."""

from __future__ import annotations

import csv
import io
import re

from importers.assemble import ResultCollector, reference_type
from importers.errors import ImportFormatError
from importers.model import ParseResult, Reference
from importers.normalize import (
    clean_text,
    extract_year,
    format_pages,
    normalize_author,
    normalize_doi,
    normalize_isbn,
    normalize_issn,
    normalize_pmcid,
    normalize_pmid,
    split_keywords,
)

FORMAT = "csv"
# Our field -> header spellings seen in real exports (compared lower-cased, spaces collapsed).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "title": (
        "title",
        "article title",
        "document title",
        "item title",
        "primary_title",
        "primary title",
        "ti",
        "t1",
    ),
    "abstract": ("abstract", "notes_abstract", "abstract note", "ab", "n2"),
    "authors": (
        "authors",
        "author",
        "author names",
        "author full names",
        "author(s)",
        "first_authors",
        "au",
        "af",
    ),
    "year": (
        "year",
        "publication year",
        "published year",
        "publication_year",
        "py",
        "pubyear",
        "date",
        "publication date",
        "create date",
    ),
    "journal": (
        "journal",
        "source title",
        "journal/book",
        "publication title",
        "publication",
        "source",
        "secondary title",
        "journal title",
        "journal_name",
        "so",
        "t2",
    ),
    "volume": ("volume", "journal volume", "vl"),
    "issue": ("issue", "number", "journal issue", "is"),
    "pages": ("pages", "page range", "pg"),
    "start_page": ("page start", "start page", "first page", "bp", "sp"),
    "end_page": ("page end", "end page", "last page", "ep"),
    "doi": ("doi", "item doi", "di", "do", "doi link"),
    "pmid": ("pmid", "pubmed id", "pubmed_id", "medline pmid", "pm"),
    "pmcid": ("pmcid",),
    "isbn": ("isbn", "bn"),
    "issn": ("issn", "eissn", "sn"),
    "keywords": ("keywords", "author keywords", "index keywords", "mesh terms", "de", "kw", "tags"),
    "type": (
        "document type",
        "type",
        "publication type",
        "content type",
        "dt",
        "ty",
        "type_of_reference",
    ),
    "language": ("language", "language of original document", "article language", "la"),
    "url": ("url", "link", "open url link", "ur"),
}
# alias -> (field, rank): a table with two spellings of one field (Embase: "Source", the whole
# citation, and "Source title") takes the spelling listed first.
_ALIAS_INDEX = {
    alias: (field, rank)
    for field, aliases in COLUMN_ALIASES.items()
    for rank, alias in enumerate(aliases)
}
_CONTENT_FIELDS = ("title", "abstract", "doi", "pmid")
csv.field_size_limit(10_000_000)


# Lines searched for the header row below a preamble (Embase: the query, then a row of dashes).
HEADER_SEARCH_LINES = 30


def parse_tabular(text: str, *, encoding: str = "utf-8") -> ParseResult:
    """Parse a CSV/TSV export (delimiter sniffed) into references and one note per row.

    The header is the first line, or else the first of the first lines that names a title
    column (Embase writes the search query and a row of dashes above it): the lines skipped are
    reported on the first record."""
    found = find_header_row(text)
    skipped, delimiter = found if found else (0, _delimiter(text))
    preamble = ""
    if skipped:
        lines = text.split("\n", skipped)
        text = lines[skipped]
        first = " ".join(lines[0].split())[:60]
        preamble = f"{skipped} line(s) above the header row skipped (line 1: {first})"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    columns = _map_columns(header or [])
    if not any(field in columns for field in _CONTENT_FIELDS):
        shown = ", ".join(h.strip() for h in (header or [])[:8]) or "none"
        raise ImportFormatError(
            f"this table has no title, abstract, DOI or PMID column (columns: {shown}); "
            "export it again with the bibliographic fields included",
            detected="csv",
        )
    collector = ResultCollector(FORMAT)
    previous_line = reader.line_num
    number = 0
    for row in reader:
        line, previous_line = skipped + previous_line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        number += 1
        values = split_embase_citation({f: row[i] for f, i in columns.items() if i < len(row)})
        repairs = [] if len(row) == len(header or []) else ["row has a different number of cells"]
        if preamble and number == 1:
            repairs.append(preamble)
        collector.add(_to_reference(values, row, delimiter, number, line), repairs)
    return collector.result(encoding)


def find_header_row(text: str) -> tuple[int, str] | None:
    """(index, delimiter) of the header row: the first line when it maps a content column,
    else the first of the next HEADER_SEARCH_LINES lines that names a title column; None when
    neither is found."""
    lines = text.split("\n", HEADER_SEARCH_LINES + 1)[: HEADER_SEARCH_LINES + 1]
    for index, line in enumerate(lines):
        for delimiter in sorted((",", "\t", ";"), key=line.count, reverse=True):
            if not line.count(delimiter):
                break
            columns = _map_columns(next(csv.reader([line], delimiter=delimiter), []))
            if "title" in columns or (index == 0 and any(f in columns for f in _CONTENT_FIELDS)):
                return index, delimiter
    return None


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: counts[d])


def _map_columns(header: list[str]) -> dict[str, int]:
    """Field -> column index; of two columns for one field, the better-ranked alias wins, then
    the first column."""
    ranked: dict[str, tuple[int, int]] = {}
    for index, name in enumerate(header):
        found = _ALIAS_INDEX.get(" ".join(name.strip().lstrip("\ufeff").lower().split()))
        if found and (found[0] not in ranked or found[1] < ranked[found[0]][0]):
            ranked[found[0]] = (found[1], index)
    return {field: index for field, (_, index) in ranked.items()}


# Embase writes a whole citation in its "Source" column: "Journal (Year) Volume:Issue (Pages).
# Date of Publication: ...". Read the parts out of it when the table has no column for them.
_EMBASE_CITATION = re.compile(
    r"(?P<journal>.+?) \((?P<year>\d{4})\)"
    r"(?: (?P<volume>[^\s:()]+)(?::(?P<issue>[^\s()]+))?)?"
    r"(?: \((?P<pages>[^()]*)\))?\.?"
    r"(?: Date of Publication: .*)?"
)


def split_embase_citation(values: dict[str, str]) -> dict[str, str]:
    """The row's values, with journal, volume, issue and pages read out of an Embase citation
    in the journal cell when the row has none of volume, issue and pages; unchanged otherwise
    (also when the cell is not such a citation: it needs a volume or pages after the year)."""
    journal = values.get("journal", "")
    if "(" not in journal or any(values.get(f) for f in ("volume", "issue", "pages", "start_page")):
        return values
    found = _EMBASE_CITATION.fullmatch(" ".join(journal.split()))
    if found is None or not (found["volume"] or found["pages"]):
        return values
    parts = {k: v for k, v in found.groupdict().items() if v and k != "year"}
    return {**values, **parts, "year": values.get("year") or found["year"]}


def _to_reference(
    values: dict[str, str], row: list[str], delimiter: str, number: int, line: int
) -> Reference:
    get = values.get
    return Reference(
        title=clean_text(get("title")),
        abstract=clean_text(get("abstract")),
        authors=split_authors(get("authors", "")),
        year=extract_year(get("year"), get("journal")),
        journal=clean_text(get("journal")),
        volume=clean_text(get("volume")),
        issue=clean_text(get("issue")),
        pages=format_pages(get("pages")) or format_pages(get("start_page"), get("end_page")),
        doi=normalize_doi(get("doi")),
        pmid=normalize_pmid(get("pmid")),
        pmcid=normalize_pmcid(get("pmcid")),
        isbn=normalize_isbn(get("isbn")),
        issn=normalize_issn(get("issn")),
        keywords=split_keywords([get("keywords", "")], separators=";"),
        type=reference_type(get("type")),
        language=clean_text(get("language")),
        url=clean_text(get("url")),
        raw=delimiter.join(row),
        record_number=number,
        line=line,
    )


def split_authors(value: str) -> tuple[str, ...]:
    """Split an author cell on ";" (Scopus, WoS), " and " (Rayyan) or "," ("Smith J, Doe A"),
    then every name that an export glued to the next one (see split_glued_names)."""
    text = clean_text(value).rstrip(".")
    if not text:
        return ()
    if ";" in text:
        parts = text.split(";")
    elif re.search(r"\s+and\s+", text):
        parts = re.split(r"\s+and\s+", text)
    elif _looks_comma_separated(text):
        parts = text.split(",")
    else:
        parts = [text]
    return tuple(
        normalize_author(name) for part in parts if part.strip() for name in split_glued_names(part)
    )


def _looks_comma_separated(text: str) -> bool:
    # "Smith J, Doe A" lists several names; "Smith, John" is one inverted name.
    parts = [p.strip() for p in text.split(",")]
    return len(parts) > 2 or all(" " in p for p in parts)


_UPPER = "A-Z\u00c0-\u00de"
_LOWER = "a-z\u00df-\u00ff"
# A capital starting a name: "Frogner", "LeRouge", "O'Hara", "D'Souza".
_NAME_START = rf"[{_UPPER}](?:'[{_UPPER}])?[{_LOWER}']"
# An initial's full stop with the next surname right after it: "Ide N.|Frogner B. K.".
_AFTER_INITIAL = rf"(?<=\b[{_UPPER}]\.)(?={_NAME_START})"
# Capitals of initials run into the next surname: "Brandt C|Moreau NW|Kelly JM".
_INITIALS_RUN = "|".join(rf"(?<=\s[{_UPPER}]{{{n}}})(?={_NAME_START})" for n in (1, 2, 3))
# A name of five or more letters run into the next capitalised name: "Zheng|Okafor".
_NAME_RUN = (
    rf"(?<=[{_UPPER}][{_LOWER}]{{4}})(?={_NAME_START})|(?<=[{_LOWER}]{{5}})(?={_NAME_START})"
)
_SEAM = re.compile("|".join((_AFTER_INITIAL, _INITIALS_RUN, _NAME_RUN)))


def split_glued_names(name: str) -> list[str]:
    """Names that EndNote-style exports wrote without a separator, split where they meet.

    Three general properties of personal names mark the seam: an initial's full stop is
    followed by a space or another initial, never by a surname's lower-case letters
    (``N.Frogner``); a word never starts with up to three capitals followed by a capitalised
    name, so those capitals are the previous name's initials (``CMoreau``); and the prefixes
    that keep a capital inside a surname (Mc, Mac, Le, De, Di, Van, Fitz, O') have at most
    four letters, so a capital after five or more lower-case letters starts a new name
    (``ZhengOkafor``). Nothing is split in ``McIntyre``, ``LeRouge`` or ``FitzGerald``."""
    return [part.strip() for part in _SEAM.split(name) if part.strip()]
