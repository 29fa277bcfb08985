"""Notes go with the vote they were written for (the decision log's note column)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from screening.model import DecisionEvent, Stage, Vote
from screening.notes import WrittenNote, note_cell, notes_by_vote

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _vote(
    seq: int, record: int, reviewer: int, minute: int, stage: Stage = Stage.TITLE_ABSTRACT
) -> DecisionEvent:
    return DecisionEvent(seq, record, reviewer, stage, Vote.INCLUDE, T0 + timedelta(minutes=minute))


def _note(record: int, writer: int, minute: int, text: str) -> WrittenNote:
    return WrittenNote(record, writer, text, T0 + timedelta(minutes=minute))


def test_a_note_goes_with_the_next_vote_of_its_writer_on_that_record() -> None:
    events = [
        _vote(1, 10, 1, 1),
        _vote(2, 10, 2, 2),  # someone else on the same record
        _vote(3, 10, 1, 5),  # reviewer 1 changes their vote
        _vote(4, 10, 1, 9, Stage.FULL_TEXT),
    ]
    notes = [
        _note(10, 1, 0, "before the first vote"),
        _note(10, 1, 3, "why I changed it"),
        _note(10, 1, 7, "for the full text"),
        _note(10, 1, 12, "an afterthought"),
        _note(10, 3, 4, "by someone who never voted here"),
        _note(11, 1, 0, "on another record"),
        _note(10, 2, 1, "   "),
    ]
    assert notes_by_vote(events, notes) == {
        1: ["before the first vote"],
        3: ["why I changed it"],
        4: ["for the full text", "an afterthought"],
    }


def test_the_note_cell_keeps_the_votes_own_note_first() -> None:
    assert note_cell("adults only", ["check the ages"]) == "adults only\ncheck the ages"
    assert note_cell("", ["check the ages"]) == "check the ages"
    assert note_cell("", []) == ""
