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
