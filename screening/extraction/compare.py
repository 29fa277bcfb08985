"""Dual extraction and verification: field-by-field comparison, consensus, and each study's state.

Pure: entries come in as values, the state and the final values come out; nothing is stored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from screening.extraction.forms import (
    ExtractionForm,
    FieldType,
    FormField,
    InvalidValues,
    JSONValue,
    validate_values,
)
from screening.model import InvalidTransition


class ExtractionConflict(InvalidTransition):
    """The study's extraction cannot take this step now (the API maps it to 409)."""


class ExtractionMode(StrEnum):
    DUAL = "dual"  # two independent extractors, a lead settles differences (Covidence, SRDR+)
    SINGLE_WITH_VERIFICATION = "single_with_verification"  # Cochrane RRMG: one extracts, one checks


class EntryKind(StrEnum):
    EXTRACTION = "extraction"
    VERIFICATION = "verification"
    CONSENSUS = "consensus"


class StudyState(StrEnum):
    NOT_STARTED = "not_started"
    NEEDS_SECOND = "needs_second"  # dual: one extractor so far
    CONFLICT = "conflict"  # dual: the two disagree on at least one field
    AGREED = "agreed"  # dual: the two agree on every field
    CONSENSUS = "consensus"  # dual: a lead recorded the agreed values
    AWAITING_VERIFICATION = "awaiting_verification"
    VERIFIED = "verified"

    @property
    def final(self) -> bool:
        return self in (StudyState.AGREED, StudyState.CONSENSUS, StudyState.VERIFIED)


@dataclass(frozen=True, slots=True)
class Entry:
    """One stored extraction (the current one per person and kind); ``seq`` orders them."""

    seq: int
    person_id: int
    kind: EntryKind
    values: Mapping[str, JSONValue]


@dataclass(frozen=True, slots=True)
class FieldDifference:
    """One field (``design``, ``arms[1].n``) on which two extractions differ."""

    path: str
    label: str
    first: JSONValue
    second: JSONValue

    @property
    def key(self) -> str:
        """The top-level field the difference belongs to (a group for ``arms[1].n``)."""
        return self.path.split("[", 1)[0].split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class StudyExtraction:
    state: StudyState
    final: Mapping[str, JSONValue] | None = None
    differences: tuple[FieldDifference, ...] = ()
    extractors: tuple[int, ...] = ()
    verifier_id: int | None = None
    final_seq: int | None = None  # the entry the final values come from


def compare_values(
    form: ExtractionForm, first: Mapping[str, JSONValue], second: Mapping[str, JSONValue]
) -> tuple[FieldDifference, ...]:
    """Every field on which the two differ, groups item by item (blank equals missing)."""
    return tuple(_compare_fields(form.fields, first, second, ""))


def _compare_fields(
    fields: Sequence[FormField],
    first: Mapping[str, JSONValue],
    second: Mapping[str, JSONValue],
    prefix: str,
) -> Iterable[FieldDifference]:
    for form_field in fields:
        path = f"{prefix}{form_field.key}"
        a, b = first.get(form_field.key), second.get(form_field.key)
        if form_field.type is FieldType.GROUP:
            yield from _compare_group(form_field, a or [], b or [], path)
        elif not _same(a, b):
            yield FieldDifference(path, form_field.label, a, b)


def _compare_group(
    group: FormField, first: list[JSONValue], second: list[JSONValue], path: str
) -> Iterable[FieldDifference]:
    for index in range(max(len(first), len(second))):
        item_path = f"{path}[{index}]"
        if index >= len(first) or index >= len(second):
            a = first[index] if index < len(first) else None
            b = second[index] if index < len(second) else None
            yield FieldDifference(item_path, f"{group.label} {index + 1}", a, b)
            continue
        yield from _compare_fields(group.fields, first[index], second[index], f"{item_path}.")


def _same(a: JSONValue, b: JSONValue) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        # Case and spacing are typing noise, not a disagreement about the study.
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool):
        return not isinstance(b, bool) and math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)
    return bool(a == b)


def consensus_values(
    form: ExtractionForm,
    first: Mapping[str, JSONValue],
    second: Mapping[str, JSONValue],
    decided: Mapping[str, JSONValue],
) -> dict[str, JSONValue]:
    """The agreed fields plus the lead's value for every disputed one (all of them required).

    The lead may also overrule an agreed field by giving it in ``decided``.
    """
    disputed = {d.key for d in compare_values(form, first, second)}
    missing = sorted(disputed - set(decided))
    if missing:
        raise InvalidValues(
            [f"values.{key}: the extractors disagree; give the agreed value" for key in missing]
        )
    merged = {key: value for key, value in first.items() if key not in disputed}
    merged.update(decided)
    return validate_values(form, merged)


def current_entries(entries: Iterable[Entry]) -> list[Entry]:
    """The latest entry per person and kind (a consensus is one, whoever recorded it)."""
    latest: dict[tuple[int, EntryKind], Entry] = {}
    for entry in entries:
        person = -1 if entry.kind is EntryKind.CONSENSUS else entry.person_id
        held = latest.get((person, entry.kind))
        if held is None or entry.seq > held.seq:
            latest[(person, entry.kind)] = entry
    return sorted(latest.values(), key=lambda e: e.seq)


def study_extraction(
    mode: ExtractionMode, form: ExtractionForm, entries: Iterable[Entry]
) -> StudyExtraction:
    """Where a study's extraction stands, and its final values once there are any."""
    current = current_entries(entries)
    extractions = _first_extractions(current, mode)
    extractors = tuple(e.person_id for e in extractions)
    consensus = next((e for e in current if e.kind is EntryKind.CONSENSUS), None)
    if consensus is not None:
        return StudyExtraction(
            StudyState.CONSENSUS, consensus.values, extractors=extractors, final_seq=consensus.seq
        )
    if not extractions:
        return StudyExtraction(StudyState.NOT_STARTED)
    if mode is ExtractionMode.SINGLE_WITH_VERIFICATION:
        return _verification_state(extractions[0], current)
    if len(extractions) < 2:
        return StudyExtraction(StudyState.NEEDS_SECOND, extractors=extractors)
    differences = compare_values(form, extractions[0].values, extractions[1].values)
    if differences:
        return StudyExtraction(StudyState.CONFLICT, differences=differences, extractors=extractors)
    return StudyExtraction(
        StudyState.AGREED,
        extractions[0].values,
        extractors=extractors,
        final_seq=extractions[0].seq,
    )


def _first_extractions(current: Sequence[Entry], mode: ExtractionMode) -> list[Entry]:
    """The extractors who count, in the order they started (two in dual mode, one otherwise)."""
    extractions = [e for e in current if e.kind is EntryKind.EXTRACTION]
    return extractions[: 2 if mode is ExtractionMode.DUAL else 1]


def _verification_state(extraction: Entry, current: Sequence[Entry]) -> StudyExtraction:
    extractors = (extraction.person_id,)
    checks = [
        e
        for e in current
        if e.kind is EntryKind.VERIFICATION
        and e.person_id != extraction.person_id
        and e.seq > extraction.seq  # a revised extraction needs checking again
    ]
    if not checks:
        return StudyExtraction(StudyState.AWAITING_VERIFICATION, extractors=extractors)
    check = checks[-1]
    return StudyExtraction(
        StudyState.VERIFIED,
        check.values,
        extractors=extractors,
        verifier_id=check.person_id,
        final_seq=check.seq,
    )


def check_can_extract(
    mode: ExtractionMode, form: ExtractionForm, entries: Sequence[Entry], person_id: int
) -> None:
    """Refuse a third dual extractor, a second single extractor, or work after consensus."""
    status = study_extraction(mode, form, entries)
    if status.state is StudyState.CONSENSUS:
        raise ExtractionConflict("a lead recorded the consensus for this study; it is closed")
    if not status.extractors or person_id in status.extractors:
        return
    if mode is ExtractionMode.SINGLE_WITH_VERIFICATION:
        raise ExtractionConflict(
            "this study is extracted by someone else; as a second person, verify it instead"
        )
    if len(status.extractors) >= 2:
        raise ExtractionConflict("two people have already extracted this study")


def check_can_verify(
    mode: ExtractionMode, form: ExtractionForm, entries: Sequence[Entry], person_id: int
) -> Entry:
    """The extraction a second person may sign off or correct; refuse anything else."""
    if mode is not ExtractionMode.SINGLE_WITH_VERIFICATION:
        raise ExtractionConflict(
            f"the review extracts in {mode.value} mode; verification is for "
            f"{ExtractionMode.SINGLE_WITH_VERIFICATION.value}"
        )
    extractions = _first_extractions(current_entries(entries), mode)
    if not extractions:
        raise ExtractionConflict("nothing to verify: nobody has extracted this study yet")
    if extractions[0].person_id == person_id:
        raise ExtractionConflict("the extractor cannot verify their own extraction")
    return extractions[0]
