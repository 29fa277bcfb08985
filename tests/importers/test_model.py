"""The normalised types are values: equal, hashable, immutable and picklable (also compiled)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from importers.model import Outcome, ParseResult, RecordNote, Reference, ReferenceType


def _reference() -> Reference:
    return Reference(
        title="A trial",
        authors=("Doe, Jane", "Roe, R"),
        year=2020,
        doi="10.1000/x",
        keywords=("pain",),
        type=ReferenceType.JOURNAL_ARTICLE,
        raw="TY  - JOUR\nTI  - A trial\nER  - ",
        record_number=3,
        line=7,
    )


def test_references_notes_and_results_survive_pickling() -> None:
    reference = _reference()
    note = RecordNote(3, 7, Outcome.REPAIRED, "missing ER line added")
    result = ParseResult("ris", (reference,), (note,), "utf-8-sig")
    for value in (reference, note, result):
        copy = pickle.loads(pickle.dumps(value))
        assert copy == value
        assert type(copy) is type(value)
    assert pickle.loads(pickle.dumps(result)).warnings == (note,)


def test_references_are_immutable_hashable_values() -> None:
    reference = _reference()
    with pytest.raises(dataclasses.FrozenInstanceError):
        reference.title = "changed"  # type: ignore[misc]
    assert hash(reference) == hash(_reference())
    changed = dataclasses.replace(reference, title="Another trial")
    assert (changed.title, changed.doi, reference.title) == (
        "Another trial",
        "10.1000/x",
        "A trial",
    )
    assert [f.name for f in dataclasses.fields(reference)][:3] == ["title", "abstract", "authors"]


_DISTINCT_VALUES: dict[type, tuple[object, ...]] = {
    Reference: (
        *("title", "abstract", ("author",), 1999, "journal", "volume", "issue", "pages"),
        *("doi", "pmid", "pmcid", "isbn", "issn", ("keyword",), ReferenceType.BOOK),
        *("language", "url", "raw", 5, 6),
    ),
    RecordNote: (1, 2, Outcome.REPAIRED, "message"),
}


@pytest.mark.parametrize("kind", [Reference, RecordNote])
def test_written_out_constructors_take_the_fields_in_declared_order(kind: type) -> None:
    # Reference and RecordNote write their __init__ out (it compiles); positions, names and
    # defaults must match the declared fields, which pickling and replace() rely on.
    names = [f.name for f in dataclasses.fields(kind)]
    values = _DISTINCT_VALUES[kind]
    by_position, by_name = kind(*values), kind(**dict(zip(names, values, strict=True)))
    assert tuple(getattr(by_position, n) for n in names) == values
    assert by_name == by_position
    if kind is Reference:
        empty = Reference()
        assert (empty.title, empty.authors, empty.year, empty.doi) == ("", (), None, None)
        assert (empty.type, empty.record_number, empty.line) == (ReferenceType.OTHER, 0, 0)
    else:
        assert RecordNote(1, 2, Outcome.ACCEPTED).message == ""
