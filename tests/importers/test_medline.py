from __future__ import annotations

from importers.model import Outcome, ReferenceType
from importers.registry import parse_bytes
from tests.importers.files import fixture_bytes


def test_nbib_record_fields() -> None:
    result = parse_bytes(fixture_bytes("jabref__NbibImporterTest.nbib"))
    assert result.format == "medline"
    (reference,) = result.references
    assert reference.title == "Proteomics: A new perspective for cancer."
    assert reference.authors[:2] == ("Shruthi, Basavaradhya Sahukar", "Vinodhkumar, Palani")
    assert reference.year == 2016
    assert reference.journal == "Advanced biomedical research"
    assert reference.doi == "10.4103/2277-9175.180636"
    assert reference.pmid == "27169098"
    assert reference.issn == "2277-9175"


def test_many_records_with_continuation_lines() -> None:
    result = parse_bytes(fixture_bytes("reflib-medline__cancer.nbib"))
    assert len(result.references) == 20
    assert all(n.outcome is Outcome.ACCEPTED for n in result.notes)
    assert all(r.pmid and r.title for r in result.references)
    # Continuation lines (6 spaces) are joined into one title.
    assert all("  " not in r.title for r in result.references)


def test_malformed_tag_lines_are_reported_as_repairs() -> None:
    result = parse_bytes(fixture_bytes("jabref__MedlinePlainImporterStringOutOfBounds.txt"))
    assert [r.title for r in result.references] == [
        "This is a test title",
        "This is also a test title",
    ]
    assert [r.pmid for r in result.references] == ["27433151", "27394443"]
    assert result.notes[0].outcome is Outcome.REPAIRED
    assert result.notes[0].message == "a malformed line was skipped"


def test_eric_nbib_without_pmid() -> None:
    (reference,) = parse_bytes(fixture_bytes("colrev__eric_nbib.nbib")).references
    assert reference.pmid is None
    assert reference.doi == "10.1000/123456789"
    assert reference.authors == ("Smith, Tom", "Hunter, Shawn")
    assert reference.keywords == ("Keyword 1", "Keyword 2")
    assert reference.issn == "1234-4567"
    assert reference.type is ReferenceType.JOURNAL_ARTICLE
