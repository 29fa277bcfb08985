"""One record of a line-tagged format (RIS, MEDLINE, WoS, Ovid, Refer) and its field look-ups."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from importers.assemble import ResultCollector
from importers.model import ParseResult, Reference
from importers.normalize import clean_text, normalize_doi, normalize_pmid


@dataclass(slots=True, init=False)
class TaggedRecord:
    """One record as read: tag -> values in file order, first line (1-based), raw text, repairs.

    The raw text is either collected line by line (``raw_lines``) or cut from the file at once
    (``raw_text``)."""

    line: int
    fields: dict[str, list[str]]
    raw_lines: list[str]
    repairs: list[str]
    raw_text: str

    # Written out so that it compiles: a generated dataclass __init__ stays interpreted.
    def __init__(self, line: int, fields: dict[str, list[str]] | None = None) -> None:
        self.line = line
        self.fields = {} if fields is None else fields
        self.raw_lines = []
        self.repairs = []
        self.raw_text = ""

    def add(self, tag: str, value: str) -> None:
        values = self.fields.get(tag)
        if values is None:
            self.fields[tag] = [value]
        else:
            values.append(value)

    def extend_last(self, tag: str, text: str, *, as_new_value: bool) -> None:
        """Attach a continuation line to the last value of *tag* (or as a new value of it)."""
        values = self.fields[tag]
        if as_new_value or not values[-1]:
            if as_new_value:
                values.append(text)
            else:
                values[-1] = text
        else:
            values[-1] = f"{values[-1]} {text}"

    def first(self, *tags: str) -> str:
        """The first non-empty value among *tags*, in the order given, cleaned."""
        fields = self.fields
        for tag in tags:
            values = fields.get(tag)
            if values:
                for value in values:
                    cleaned = clean_text(value) if value else ""
                    if cleaned:
                        return cleaned
        return ""

    def all(self, *tags: str) -> list[str]:
        """Every non-empty value of *tags*, cleaned, in tag order."""
        fields = self.fields
        found: list[str] = []
        for tag in tags:
            values = fields.get(tag)
            if values:
                found.extend(
                    cleaned for value in values if value and (cleaned := clean_text(value))
                )
        return found

    def values(self, *tags: str) -> list[str]:
        """Every non-empty value of *tags* as read, for normalisers that clean anyway."""
        fields = self.fields
        return [value for tag in tags for value in fields.get(tag, ()) if value]

    @property
    def raw(self) -> str:
        return self.raw_text or "\n".join(self.raw_lines)


def find_doi(record: TaggedRecord, tags: tuple[str, ...], url_tags: tuple[str, ...]) -> str | None:
    """DOI from the DOI *tags*; failing that from URL-like *url_tags* (noted as a repair)."""
    fields = record.fields
    for tag in tags:
        # Values are cleaned one at a time, up to the first DOI, rather than all up front.
        for value in fields.get(tag, ()):
            cleaned = clean_text(value) if value else ""
            doi = normalize_doi(cleaned) if cleaned else None
            if doi:
                return doi
    for tag in url_tags:
        for value in fields.get(tag, ()):
            if "10." in value:
                doi = normalize_doi(value)
                if doi:
                    record.repairs.append(f"DOI taken from {tag}")
                    return doi
    return None


def find_pmid(record: TaggedRecord, *tags: str) -> str | None:
    """PMID from *tags* whose value starts with the number ("12643982 (url)" is fine)."""
    fields = record.fields
    for tag in tags:
        for value in fields.get(tag, ()):
            cleaned = clean_text(value) if value else ""
            if cleaned:
                words = cleaned.split()
                pmid = normalize_pmid(words[0] if words else "") or normalize_pmid(cleaned)
                if pmid:
                    return pmid
    return None


def collect_records(
    format_name: str,
    records: Iterable[TaggedRecord],
    to_reference: Callable[[TaggedRecord, int], Reference],
    encoding: str,
) -> ParseResult:
    """Turn tagged records into references, with one note per record (numbered from 1)."""
    collector = ResultCollector(format_name)
    for number, record in enumerate(records, start=1):
        collector.add(to_reference(record, number), record.repairs)
    return collector.result(encoding)
