"""RIS parser for every dialect seen in real exports (EndNote, Zotero, Ovid, Scopus, WoS, ...)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from string import ascii_uppercase, digits

from importers.assemble import reference_type
from importers.decode import line_blocks
from importers.model import ParseResult, Reference, ReferenceType
from importers.normalize import (
    clean_text,
    extract_year,
    format_pages,
    has_plain_spacing,
    left_as_is,
    normalize_author,
    normalize_isbn,
    normalize_issn,
    normalize_pmcid,
    split_keywords,
    tidy_author,
)
from importers.tagged import TaggedRecord, collect_records, find_doi, find_pmid

FORMAT = "ris"
# Also tolerated: one to four spaces or tabs before the hyphen, none after it, 3-4 letter
# tags ("PMID  - 1" from APA PsycNet) and up to three leading spaces.
_NO_TY = "missing TY line: record start assumed"
_TAG_LINE = re.compile(r"^ {0,3}([A-Z][A-Z0-9]{1,3})[ \t]{1,4}-[ \t]*(.*?)[ \t]*$")
# Continuation lines of these tags are further values (one keyword per line), not more text.
_LIST_TAGS = frozenset(
    {"AU", "A1", "A2", "A3", "A4", "KW", "N1", "UR", "L1", "L2", "L3", "L4", "AD", "SN", "ED"}
)
_UNTAGGED: tuple[None, None] = (None, None)
_BOUNDS = frozenset({"TY", "ER"})  # always read: they start and end records
_BOOKISH = frozenset({ReferenceType.BOOK, ReferenceType.BOOK_CHAPTER})
# Nearly every line starts "XX  - " (or is a bare "XX  -") with XX one of these tags: one slice
# and one dict look-up then replace four checks per line. The tags are interned, so the dict
# look-ups that follow compare them by identity. Other heads take the general path.
_CANONICAL_HEADS = {
    head: tag
    for tag in (sys.intern(a + b) for a in ascii_uppercase for b in ascii_uppercase + digits)
    for head in (f"{tag}  -", f"{tag}  - ")
}


# Lines are split a block of about this many characters (or UTF-8 bytes) at a time. Blocks this
# small are mostly all-Latin-1 even in files with some wider characters, so their lines need no
# narrowing copy (measured on the corpus: 4 KiB ran 4% fewer instructions than 64 KiB).
BLOCK_SIZE = 1 << 12


def parse_ris(text: str, *, encoding: str = "utf-8") -> ParseResult:
    """Parse RIS *text* (``\\n`` line endings) into references and one note per record."""
    return parse_ris_blocks(_blocks(text, BLOCK_SIZE), encoding=encoding)


def parse_ris_blocks(blocks: Iterable[str], *, encoding: str = "utf-8") -> ParseResult:
    """parse_ris for a text given as consecutive blocks of whole lines (see read_ris_blocks)."""
    records = read_ris_blocks(blocks, only=_READ_TAGS)
    return collect_records(FORMAT, records, _to_reference, encoding)


def iter_ris_records(
    text: str, *, block_chars: int = BLOCK_SIZE, only: frozenset[str] | None = None
) -> Iterator[TaggedRecord]:
    """Yield records as tag -> values; untagged lines between records (numbers) are skipped.

    *only*: keep just these tags' values, and TY's (the raw text keeps every line); records
    still start at any tag line and end at any ER. The text is split into lines *block_chars*
    at a time (see _blocks)."""
    return read_ris_blocks(_blocks(text, block_chars), only=only)


def read_ris_blocks(
    blocks: Iterable[str], *, only: frozenset[str] | None = None
) -> Iterator[TaggedRecord]:
    """iter_ris_records for a text given as blocks: the text is ``"\\n".join(blocks)``, each
    block holding whole lines, so a large file is decoded and split a block at a time."""
    record: TaggedRecord | None = None
    fields: dict[str, list[str]] = {}
    last_tag = ""
    # Canonical heads of tags *only* leaves out read as "": one look-up both finds and filters.
    canonical_tag = (_CANONICAL_HEADS if only is None else _heads_keeping(only)).get
    index = 0
    # Raw records are cut from their block by offset, cheaper than joining their lines again;
    # *earlier* holds the open record's text from the blocks before this one.
    earlier: list[str] = []
    for block in blocks:
        offset = record_start = 0
        # A plain loop over each block's lines: a generator per line costs a resume per line.
        for line in block.split("\n"):
            index += 1
            line_start = offset
            offset += len(line) + 1
            tag = canonical_tag(line[:6])
            other_value: str | None = None  # the value of a line outside the canonical heads
            if tag is None:
                # Every tag line has a hyphen: the many continuation lines skip the tag checks.
                found, other_value = _read_other_line(line) if "-" in line else _UNTAGGED
                if found is None:
                    # A continuation line: a further value of a list tag (one keyword per
                    # line), otherwise more text of the last value. Inline: one in four lines.
                    stripped = line.strip() if record is not None and last_tag else ""
                    if stripped:
                        continued = fields[last_tag]
                        if last_tag in _LIST_TAGS:
                            continued.append(stripped)
                        elif continued[-1]:
                            continued[-1] = f"{continued[-1]} {stripped}"
                        else:
                            continued[-1] = stripped
                    continue
                tag = found if only is None or found in only or found in _BOUNDS else ""
            if tag == "ER":
                if record is not None:
                    record.raw_text = _cut(earlier, block, record_start, offset - 1)
                    yield record
                record, last_tag = None, ""
                continue
            if record is None or tag == "TY":
                if record is not None and _NO_TY not in record.repairs:
                    record.repairs.append("missing ER line added")
                    record.raw_text = _cut(earlier, block, record_start, line_start - 1)
                    yield record
                earlier.clear()  # the text of leftover tags that were not a record (see below)
                record = TaggedRecord(line=index)
                record_start = line_start
                fields = record.fields
                if tag != "TY":
                    record.repairs.append(_NO_TY)
            if not tag:
                # A tag *only* leaves out: its value (and continuation lines) stay in the raw
                # text only. Any tag line still starts a record, as in a TY-less record.
                last_tag = ""
                continue
            value = line[6:].strip() if other_value is None else other_value
            values = fields.get(tag)
            if values is None:
                fields[tag] = [value]
            else:
                values.append(value)
            last_tag = tag
        if record is not None:
            earlier.append(block[record_start:] if record_start else block)
    # Tags after an ER and before the next TY (Ovid's trailing "NL  -") are the previous
    # record's leftovers, not a record; only an ER closes a TY-less record.
    if record is not None and _NO_TY not in record.repairs:
        record.repairs.append("missing ER line added")
        record.raw_text = "\n".join(earlier)
        yield record


def _cut(earlier: list[str], block: str, start: int, end: int) -> str:
    """The record's raw text: *block*[start:end], after the parts in *earlier* blocks, if any
    (then *start* is 0 and *end* -1 means the record ended with the block before). Empties
    *earlier* for the next record."""
    if not earlier:
        return block[start:end]
    parts = earlier if end < 0 else [*earlier, block[:end]]
    raw = "\n".join(parts)
    earlier.clear()
    return raw


@lru_cache(maxsize=8)
def _heads_keeping(only: frozenset[str]) -> dict[str, str]:
    """_CANONICAL_HEADS with the tags outside *only* (but TY and ER) read as ""."""
    return {
        head: tag if tag in only or tag in _BOUNDS else "" for head, tag in _CANONICAL_HEADS.items()
    }


def _blocks(text: str, block_chars: int) -> Iterator[str]:
    """*text* in blocks of about *block_chars* that end at a line break (dropped), so that
    ``block.split("\\n")`` over the blocks gives ``text.split("\\n")``: a 200 MB file never has
    its three million lines alive at once, and each block's lines are cut from a block in the
    narrowest string kind its characters allow."""
    return (text[start:end] for start, end in line_blocks(text, block_chars, "\n"))


def _read_other_line(line: str) -> tuple[str | None, str]:
    """Tag and value of a line outside the canonical heads; (None, "") when it has no tag."""
    if line[2:5] == "  -" and line[:1].isupper() and (len(line) == 5 or line[5] == " "):
        return line[:2], line[6:].strip()
    return _split_tag_line(line)


def _split_tag_line(line: str) -> tuple[str | None, str]:
    if "-" not in line:
        return None, ""
    match = _TAG_LINE.match(line)
    if match is None:
        return None, ""
    return match.group(1), (match.group(2) or "").strip()


# Every tag _to_reference reads. parse_ris keeps no other tag's values (AD, ID, ST, L1 and the
# like: a tenth of the values in the corpus); the raw text keeps them anyway.
_READ_TAGS = frozenset(
    {
        *("TY", "TI", "T1", "CT", "BT", "T2", "T3", "AB", "N2", "AU", "A1"),
        *("PY", "Y1", "DA", "Y2", "JF", "JO", "JA", "J1", "J2", "VL", "VO", "IS", "CP", "M1"),
        *("SP", "EP", "DO", "DI", "UR", "L3", "M3", "L2", "N1", "AN", "PMID", "PM", "C3", "C2"),
        *("SN", "KW", "LA", "DB", "DP"),
    }
)


def _to_reference(record: TaggedRecord, number: int) -> Reference:
    # Fields are read straight from the tag dict: this runs once per record of files with
    # 100,000 records, where generic look-ups with *args and list building add up.
    fields = record.fields
    raw = record.raw
    # Most records need no cleaning beyond the strip the reader did: see has_plain_spacing.
    plain = has_plain_spacing(raw)
    kind = reference_type(_first(fields, ("TY",), plain))
    bookish = kind in _BOOKISH
    return Reference(
        title=_first(fields, ("TI", "T1", "CT"), plain) or _book_title(fields, kind, plain),
        abstract=_first(fields, ("AB", "N2"), plain),
        authors=_authors(fields, plain),
        year=extract_year(*_values(fields, ("PY", "Y1", "DA", "Y2"))),
        journal=_journal(fields, kind, plain),
        volume=_first(fields, ("VL", "VO"), plain),
        issue=_first(fields, ("IS", "CP", "M1") if "IS" in fields else ("CP",), plain),
        pages=format_pages(_first(fields, ("SP",), plain), _first(fields, ("EP",), plain)),
        doi=find_doi(record, ("DO", "DI"), ("UR", "L3", "M3", "L2", "N1", "AN")),
        pmid=find_pmid(record, "PMID", "PM", "C3") or _pubmed_accession(record),
        pmcid=_pmcid(fields),
        isbn=normalize_isbn(_first(fields, ("SN",), plain)) if bookish else None,
        issn=None if bookish else _issn(fields),
        keywords=split_keywords(fields.get("KW", ()), plain=plain),
        type=kind,
        language=_first(fields, ("LA",), plain),
        url=_first_url(fields),
        raw=raw,
        record_number=number,
        line=record.line,
    )


def _first(fields: dict[str, list[str]], tags: tuple[str, ...], plain: bool = False) -> str:
    """TaggedRecord.first without the *args call: the first value non-empty once cleaned.

    *plain*: the record has plain spacing, so a value left_as_is is already what clean_text
    would return (the reader stripped it)."""
    for tag in tags:
        values = fields.get(tag)
        if values:
            for value in values:
                if value:
                    if plain and left_as_is(value):
                        return value
                    cleaned = clean_text(value)
                    if cleaned:
                        return cleaned
    return ""


def _values(fields: dict[str, list[str]], tags: tuple[str, ...]) -> list[str]:
    return [value for tag in tags if tag in fields for value in fields[tag] if value]


def _authors(fields: dict[str, list[str]], plain: bool) -> tuple[str, ...]:
    values = _values(fields, ("AU", "A1"))
    tidy: Callable[[str], str] = normalize_author
    if plain:
        joined = "\n".join(values)
        if left_as_is(joined):
            tidy = tidy_author
    # map and dict.fromkeys run their loops in C; the one empty name, if any, is dropped after.
    names = dict.fromkeys(map(tidy, values))
    names.pop("", None)
    return tuple(names)


def _book_title(fields: dict[str, list[str]], kind: ReferenceType, plain: bool) -> str:
    return _first(fields, ("BT", "T2") if kind is ReferenceType.BOOK else ("BT",), plain)


def _journal(fields: dict[str, list[str]], kind: ReferenceType, plain: bool) -> str:
    if kind is ReferenceType.BOOK:
        return _first(fields, ("T3",), plain)
    return _first(fields, ("JF", "JO", "T2", "JA", "J1", "J2", "BT"), plain)


def _pubmed_accession(record: TaggedRecord) -> str | None:
    # EndNote/Zotero exports from PubMed keep the PMID in AN, with DB/DP naming PubMed/MEDLINE.
    if "AN" not in record.fields:
        return None
    database = _first(record.fields, ("DB", "DP")).lower()
    if "pubmed" in database or "medline" in database or "nlm" in database:
        return find_pmid(record, "AN")
    return None


def _pmcid(fields: dict[str, list[str]]) -> str | None:
    if "C2" not in fields:
        return None
    return next(filter(None, map(normalize_pmcid, _values(fields, ("C2",)))), None)


def _issn(fields: dict[str, list[str]]) -> str | None:
    return normalize_issn(" ".join(_values(fields, ("SN",)))) if "SN" in fields else None


def _first_url(fields: dict[str, list[str]]) -> str:
    for value in _values(fields, ("UR", "L2")):
        first = value.partition(";")[0].strip()
        if first:
            return first
    return ""
