"""Extracted values reshaped for export: wide (one row per study) and long (one row per value).

Pure: takes forms and values, returns columns and rows of plain cells; writing CSV is the caller's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from screening.extraction.forms import ExtractionForm, FieldType, FormField, JSONValue

Cell = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class StudyValues:
    """One study's final values and the form version they were entered with."""

    study_id: int
    label: str
    form: ExtractionForm
    values: Mapping[str, JSONValue]


def export_fields(forms: Sequence[ExtractionForm]) -> tuple[FormField, ...]:
    """The newest form's fields, then fields only older versions had (old entries stay visible)."""
    ordered = sorted(forms, key=lambda form: form.version, reverse=True)
    seen: dict[str, FormField] = {}
    for form in ordered:
        for form_field in form.fields:
            seen.setdefault(form_field.key, form_field)
    return tuple(seen.values())


def wide_columns(fields: Sequence[FormField], studies: Sequence[StudyValues]) -> list[str]:
    """``study_id, study, form_version``, each field, and ``{group}{n}_{field}`` per group item."""
    columns = ["study_id", "study", "form_version"]
    for form_field in fields:
        if form_field.type is not FieldType.GROUP:
            columns.append(form_field.key)
            continue
        items = max((len(s.values.get(form_field.key) or []) for s in studies), default=0)
        columns.extend(
            f"{form_field.key}{n}_{sub.key}"
            for n in range(1, items + 1)
            for sub in form_field.fields
        )
    return columns


def wide_row(fields: Sequence[FormField], study: StudyValues) -> dict[str, Cell]:
    row: dict[str, Cell] = {
        "study_id": study.study_id,
        "study": study.label,
        "form_version": study.form.version,
    }
    for form_field in fields:
        value = study.values.get(form_field.key)
        if form_field.type is not FieldType.GROUP:
            row[form_field.key] = cell(value)
            continue
        for n, item in enumerate(value or [], start=1):
            for sub in form_field.fields:
                row[f"{form_field.key}{n}_{sub.key}"] = cell(item.get(sub.key))
    return row


LONG_COLUMNS = ("study_id", "study", "group", "item", "field", "value")


def long_rows(fields: Sequence[FormField], studies: Iterable[StudyValues]) -> list[dict[str, Cell]]:
    """One row per study x group item x field (``group`` and ``item`` blank for plain fields)."""
    rows: list[dict[str, Cell]] = []
    for study in studies:
        base: dict[str, Cell] = {"study_id": study.study_id, "study": study.label}
        for form_field in fields:
            value = study.values.get(form_field.key)
            if value is None:
                continue
            if form_field.type is not FieldType.GROUP:
                rows.append(base | _long(None, None, form_field.key, value))
                continue
            for n, item in enumerate(value, start=1):
                rows.extend(
                    base | _long(form_field.key, n, sub.key, item[sub.key])
                    for sub in form_field.fields
                    if item.get(sub.key) is not None
                )
    return rows


def _long(group: str | None, item: int | None, key: str, value: JSONValue) -> dict[str, Cell]:
    return {"group": group, "item": item, "field": key, "value": cell(value)}


def cell(value: JSONValue) -> Cell:
    """A CSV-ready cell: lists (multichoice) joined with '; ', everything else as is."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
