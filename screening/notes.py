"""Which vote a reviewer's note on a record belongs to, for the decision log.

A note is written while the record is on screen, before the vote it explains: it goes with the
first vote its writer cast on that record at or after writing it. A note written after the
writer's last vote on the record (a second thought) goes with that last vote. A note whose
writer never voted on the record belongs to no vote.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from screening.model import DecisionEvent, RecordId, ReviewerId


@dataclass(frozen=True, slots=True)
class WrittenNote:
    record_id: RecordId
    writer_id: ReviewerId
    text: str
    at: datetime


def notes_by_vote(
    events: Iterable[DecisionEvent], notes: Iterable[WrittenNote]
) -> dict[int, list[str]]:
    """The texts of the notes that go with each vote (by the vote's ``seq``), oldest first."""
    votes: dict[tuple[RecordId, ReviewerId], list[DecisionEvent]] = defaultdict(list)
    for event in events:
        votes[(event.record_id, event.reviewer_id)].append(event)
    for chain in votes.values():
        chain.sort(key=lambda e: (e.at, e.seq))
    attached: dict[int, list[str]] = defaultdict(list)
    for note in sorted(notes, key=lambda n: n.at):
        written_for = votes.get((note.record_id, note.writer_id))
        if not written_for or not note.text.strip():
            continue
        target = next((e for e in written_for if e.at >= note.at), written_for[-1])
        attached[target.seq].append(note.text.strip())
    return dict(attached)


def note_cell(own_note: str, attached: list[str]) -> str:
    """The decision log's note: the vote's own note, then the notes written for it, one a line."""
    return "\n".join(text for text in (own_note.strip(), *attached) if text)
